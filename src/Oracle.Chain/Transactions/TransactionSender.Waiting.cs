using System.Numerics;
using Microsoft.Extensions.Logging;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Oracle.Chain.Errors;

namespace Oracle.Chain.Transactions;

/// <summary>Waiting for a sent transaction: receipts, confirmations, replacement of a stuck one, and revert replay.</summary>
public sealed partial class TransactionSender
{
    // Polls until one version of the transaction is Confirmations blocks deep. A node that stops answering for a
    // while does not fail the wait (the transaction is out there); cancellation does.
    private async Task<TransactionReceipt> WaitAsync(PendingTransaction pending, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                var receipt = await FindReceiptAsync(pending, cancellationToken).ConfigureAwait(false);
                var head = await HeadAsync(cancellationToken).ConfigureAwait(false);
                if (receipt is not null)
                {
                    if (head >= receipt.BlockNumber.Value + _options.Confirmations - 1)
                    {
                        // Still in the same block once deep enough? A reorganization may have moved or dropped it.
                        var again = await ReceiptAsync(receipt.TransactionHash, cancellationToken).ConfigureAwait(false);
                        if (again is not null && again.BlockHash == receipt.BlockHash)
                        {
                            return again;
                        }

                        _logger.LogWarning("transaction {Hash} (nonce {Nonce}) left block {Block} in a reorganization; waiting for it again",
                            receipt.TransactionHash, pending.Nonce, receipt.BlockNumber.Value);
                        pending.SentAtBlock = head;
                    }
                }
                else if (head >= pending.SentAtBlock + _options.StuckBlocks)
                {
                    await ReplaceAsync(pending, head, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (ChainErrors.IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                _logger.LogWarning("waiting for nonce {Nonce} of {Address}: the node did not answer ({Error}); still waiting", pending.Nonce, Address, e.GetBaseException().Message);
            }

            await Task.Delay(_options.PollInterval, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    // The receipt of whichever version was mined (newest first: after a replacement it is the likely one).
    private async Task<TransactionReceipt?> FindReceiptAsync(PendingTransaction pending, CancellationToken cancellationToken)
    {
        for (var i = pending.Hashes.Count - 1; i >= 0; i--)
        {
            if (await ReceiptAsync(pending.Hashes[i], cancellationToken).ConfigureAwait(false) is { BlockNumber: not null } receipt)
            {
                return receipt;
            }
        }

        return null;
    }

    private Task<TransactionReceipt?> ReceiptAsync(string hash, CancellationToken cancellationToken)
        => _retry.RunAsync<TransactionReceipt?>("eth_getTransactionReceipt", async () => await Web3.Eth.Transactions.GetTransactionReceipt.SendRequestAsync(hash).ConfigureAwait(false), cancellationToken);

    // Same nonce and content, both fees raised by the bump (and at least to what a new transaction would pay now).
    private async Task ReplaceAsync(PendingTransaction pending, BigInteger head, CancellationToken cancellationToken)
    {
        var mined = (await _retry.RunAsync("eth_getTransactionCount latest",
            () => Web3.Eth.Transactions.GetTransactionCount.SendRequestAsync(Address, BlockParameter.CreateLatest()), cancellationToken).ConfigureAwait(false)).Value;
        if (mined > pending.Nonce)
        {
            // The nonce is used. By one of ours, mined since the receipt check? Otherwise by someone else with this key.
            if (await FindReceiptAsync(pending, cancellationToken).ConfigureAwait(false) is not null)
            {
                return;
            }

            throw new TransactionRejectedException($"nonce {pending.Nonce} of {Address} was used by another transaction, so {string.Join(", ", pending.Hashes)} will never be mined; is the key used by another process?");
        }

        if (mined < pending.Nonce)
        {
            // Nonces below ours are pending too: ours cannot be mined before them. Those nobody here waits for are
            // cancelled (they may be what keeps ours stuck); ours is bumped below all the same.
            await CancelOrphansAsync(mined, pending.Nonce, head, cancellationToken).ConfigureAwait(false);
        }

        var (oldMaxFee, oldTip) = pending.Fees;
        var tip = BigInteger.Max(Bump(oldTip), oldTip + 1);
        var baseFee = await BaseFeeAsync(cancellationToken).ConfigureAwait(false);
        var maxFee = BigInteger.Max(BigInteger.Max(Bump(oldMaxFee), oldMaxFee + 1), baseFee * _options.BaseFeeMultiplier + tip);
        if (tip > _options.MaxPriorityFeePerGasWei || Bump(oldMaxFee) > _options.MaxFeePerGasWei)
        {
            _logger.LogWarning("nonce {Nonce} of {Address} is pending since block {Since} but its fees ({MaxFee} wei, tip {Tip} wei) cannot be raised {Bump}% within the caps; waiting",
                pending.Nonce, Address, pending.SentAtBlock, oldMaxFee, oldTip, _options.ReplacementBumpPercent);
            pending.SentAtBlock = head;
            return;
        }

        maxFee = BigInteger.Min(maxFee, _options.MaxFeePerGasWei);
        var (raw, hash) = Sign(pending, maxFee, tip);
        BroadcastOutcome outcome;
        try
        {
            outcome = await BroadcastAsync(raw, hash, cancellationToken).ConfigureAwait(false);
        }
        catch (TransactionRejectedException e)
        {
            // Say, funds short of the higher fee: the version already out may still be mined.
            _logger.LogWarning("replacing nonce {Nonce} of {Address} refused: {Error}; waiting for the versions sent", pending.Nonce, Address, e.Message);
            pending.SentAtBlock = head;
            return;
        }

        // The next bump starts from these fees whatever the outcome: a node that wants a larger bump gets it next time.
        pending.Fees = (maxFee, tip);
        pending.SentAtBlock = head;
        switch (outcome)
        {
            case BroadcastOutcome.Accepted:
                pending.Hashes.Add(hash);
                _logger.LogInformation("replaced stuck nonce {Nonce} of {Address} by {Hash} (max fee {MaxFee} wei, tip {Tip} wei)", pending.Nonce, Address, hash, maxFee, tip);
                break;
            case BroadcastOutcome.NonceTooLow:
                // One of ours was just mined (the next receipt check finds it), or someone else's (the next replacement says so).
                break;
            default:
                _logger.LogWarning("replacing nonce {Nonce} of {Address}: the node said {Outcome}; trying again in {Blocks} blocks", pending.Nonce, Address, outcome, _options.StuckBlocks);
                break;
        }
    }

    // Replaces each pending nonce in [from, to) that no caller of this sender waits for (left by an earlier run) by a
    // zero-value transfer to this account, raising its fees every StuckBlocks blocks like any stuck transaction.
    private async Task CancelOrphansAsync(BigInteger from, BigInteger to, BigInteger head, CancellationToken cancellationToken)
    {
        await _orphanLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var done in _orphans.Keys.Where(n => n < from).ToList())
            {
                _orphans.Remove(done);
            }

            for (var nonce = from; nonce < to; nonce++)
            {
                if (_inFlight.ContainsKey(nonce))
                {
                    continue;
                }

                if (!_orphans.TryGetValue(nonce, out var orphan))
                {
                    // Its fees are unknown: start at twice what a new transaction would offer now.
                    var fees = await FeesAsync(cancellationToken).ConfigureAwait(false);
                    orphan = new PendingTransaction(new TransactionRequest(Address, []), nonce, 21_000)
                    {
                        Fees = (fees.MaxFee, fees.Tip),
                        SentAtBlock = head - _options.StuckBlocks,
                    };
                    _orphans[nonce] = orphan;
                    _logger.LogWarning("nonce {Nonce} of {Address} is held by a pending transaction this sender did not send (left by an earlier run?) and blocks later ones; cancelling it", nonce, Address);
                }

                if (head >= orphan.SentAtBlock + _options.StuckBlocks)
                {
                    await ReplaceAsync(orphan, head, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _orphanLock.Release();
        }
    }

    private BigInteger Bump(BigInteger fee) => (fee * (100 + _options.ReplacementBumpPercent) + 99) / 100;

    // A mined transaction that reverted: the receipt has no reason, so the call is replayed at its block to get one.
    private async Task<ContractError> ReplayRevertAsync(TransactionRequest request, TransactionReceipt receipt, CancellationToken cancellationToken)
    {
        try
        {
            await _retry.RunAsync("eth_call (revert replay)",
                () => Web3.Eth.Transactions.Call.SendRequestAsync(CallInput(request), new BlockParameter(new HexBigInteger(receipt.BlockNumber.Value))), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (ContractErrorDecoder.TryDecode(e, out var error))
        {
            return error;
        }

        // The replay succeeded: the state the transaction met (earlier in its block) is gone. Out of gas looks like this too.
        return new ContractError(ContractError.UnknownName, "", [], "0x");
    }
}
