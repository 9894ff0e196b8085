using System.Numerics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.Hex.HexTypes;
using Nethereum.JsonRpc.Client;
using Transaction1559 = Nethereum.Model.Transaction1559;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Signer;
using Nethereum.Util;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;
using Oracle.Chain.Errors;

namespace Oracle.Chain.Transactions;

/// <summary>
/// Sends EIP-1559 transactions from one account for any number of concurrent callers.
/// <list type="bullet">
/// <item>Nonces: taken from the node's pending count when the sender starts or is unsure (after a restart, a send that
/// failed ambiguously, or another process using the key), then counted in memory. Signing and broadcasting happen one
/// transaction at a time, so each nonce goes to exactly one transaction: a send the node refuses before accepting it
/// gives its nonce to the next one, and a nonce is never skipped.</item>
/// <item>Gas: the node's estimate plus <see cref="TransactionSenderOptions.GasMarginPercent"/>, refused above
/// <see cref="TransactionSenderOptions.MaxGas"/>. A revert in the estimate is returned as a value and sends nothing.</item>
/// <item>Fees: the latest base fee times <see cref="TransactionSenderOptions.BaseFeeMultiplier"/> plus a tip, capped by
/// <see cref="TransactionSenderOptions.MaxFeePerGasGwei"/>.</item>
/// <item>A transaction pending for <see cref="TransactionSenderOptions.StuckBlocks"/> blocks is replaced: same nonce and
/// content, both fees raised by <see cref="TransactionSenderOptions.ReplacementBumpPercent"/> (within the caps). Any
/// version may be the one mined.</item>
/// <item>The result comes when the transaction is <see cref="TransactionSenderOptions.Confirmations"/> blocks deep; a
/// transaction taken out by a reorganization is waited for again.</item>
/// <item>RPC requests are retried only on transient errors (<see cref="ChainErrors.IsTransient"/>).</item>
/// <item>After a restart, a transaction the previous run left pending keeps its nonce (the node's pending count includes
/// it) but has no one waiting for it. If the transactions sent since are stuck behind it, the sender cancels it: a
/// zero-value transfer to itself with the same nonce and higher fees (the previous run's caller never got an answer; a
/// service redoes what its crash interrupted).</item>
/// </list>
/// Use one sender per account and process: a second sender (or wallet) on the same key makes nonces collide; this one
/// notices (the node says the nonce is used), resynchronizes and signs again, but cannot replace what the other sent
/// (and may cancel it as above if it blocks this one's transactions).
/// </summary>
public sealed partial class TransactionSender : ITransactionSender
{
    private static readonly Transaction1559Signer Signer = new();

    // How many pending nonces (of an earlier run, or another process) a new transaction steps over before giving up.
    private const int MaxOccupiedNonces = 64;

    private readonly EthECKey _key;
    private readonly TransactionSenderOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly RpcRetry _retry;

    // Guards _nextNonce and serializes signing + broadcasting, so nonces are handed out in the order the node sees them.
    private readonly SemaphoreSlim _nonceLock = new(1, 1);
    private BigInteger? _nextNonce;

    // Transactions this sender is waiting for, by nonce; and cancellations of nonces held by transactions it did not
    // send (an earlier run's), which block the ones it did.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<BigInteger, PendingTransaction> _inFlight = new();
    private readonly SemaphoreSlim _orphanLock = new(1, 1);
    private readonly Dictionary<BigInteger, PendingTransaction> _orphans = [];

    /// <summary>Creates a sender for the service's key on the service's chain.</summary>
    /// <param name="chain">The service's chain context (online, with a key: <c>Chain:RpcUrl</c>, <c>Chain:Keystore</c>).</param>
    /// <param name="options">Fees, confirmations, replacement and retries (section <see cref="TransactionSenderOptions.SectionName"/>; defaults when omitted).</param>
    /// <param name="logger">Where replacements, retries and refusals are reported.</param>
    /// <param name="time">The clock for polling and back-off.</param>
    /// <exception cref="ChainContextException">The service has no chain node or no key.</exception>
    public TransactionSender(ChainContext chain, TransactionSenderOptions? options = null, ILogger<TransactionSender>? logger = null, TimeProvider? time = null)
        : this(RequireOnline(chain), chain.ChainId, chain.RequireSigner("sending transactions"), options, logger, time)
    {
    }

    /// <summary>Creates a sender for <paramref name="key"/>'s account on the node at <paramref name="rpcUrl"/>.</summary>
    /// <param name="rpcUrl">The node's JSON-RPC endpoint.</param>
    /// <param name="chainId">The chain id every transaction is signed for (checked against the node by the caller).</param>
    /// <param name="key">The account's key.</param>
    /// <param name="options">Fees, confirmations, replacement and retries (defaults when omitted).</param>
    /// <param name="logger">Where replacements, retries and refusals are reported.</param>
    /// <param name="time">The clock for polling and back-off.</param>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">An option is out of range.</exception>
    public TransactionSender(string rpcUrl, BigInteger chainId, EthECKey key, TransactionSenderOptions? options = null, ILogger<TransactionSender>? logger = null, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(rpcUrl);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chainId);
        _options = options ?? new TransactionSenderOptions();
        _options.Validate();
        _key = key;
        _logger = logger ?? NullLogger<TransactionSender>.Instance;
        _time = time ?? TimeProvider.System;
        _retry = new RpcRetry(_options.MaxAttempts, _options.RetryDelay, _options.MaxRetryDelay, _time, _logger);
        ChainId = chainId;
        Address = AddressUtil.Current.ConvertToChecksumAddress(key.GetPublicAddress());

        // Calls made through Web3 come from this account; a transaction sent through it would take a nonce behind the
        // sender's back, so its nonce service refuses.
        var account = new Account(key, chainId) { NonceService = new RefusingNonceService() };
        Web3 = new Web3(account, rpcUrl);
    }

    /// <inheritdoc />
    public string Address { get; }

    private static string RequireOnline(ChainContext chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        chain.RequireOnline("sending transactions");
        return chain.RpcUrl!;
    }

    /// <summary>The chain id transactions are signed for.</summary>
    public BigInteger ChainId { get; }

    /// <inheritdoc />
    public IWeb3 Web3 { get; }

    /// <summary>The options in force.</summary>
    public TransactionSenderOptions Options => _options;

    /// <inheritdoc />
    public async Task<TransactionResult> TrySendAsync(TransactionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.To);
        var gas = request.Gas;
        if (gas is null)
        {
            HexBigInteger estimate;
            try
            {
                estimate = await _retry.RunAsync("eth_estimateGas", () => Web3.Eth.Transactions.EstimateGas.SendRequestAsync(CallInput(request)), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (ContractErrorDecoder.TryDecode(e, out var error))
            {
                return TransactionResult.Reverted(error, null);
            }
            catch (RpcResponseException e)
            {
                throw new TransactionRejectedException($"the node refused to estimate the gas of a call to {request.To} from {Address}: {e.RpcError?.Message}", e);
            }

            if (estimate.Value > _options.MaxGas)
            {
                throw new TransactionRejectedException($"a call to {request.To} needs {estimate.Value} gas, more than {TransactionSenderOptions.SectionName}:MaxGas ({_options.MaxGas})");
            }

            gas = (long)BigInteger.Min(estimate.Value * (100 + _options.GasMarginPercent) / 100, _options.MaxGas);
        }
        else if (gas > _options.MaxGas || gas < 21_000)
        {
            throw new TransactionRejectedException($"gas limit {gas} is outside 21000..{TransactionSenderOptions.SectionName}:MaxGas ({_options.MaxGas})");
        }

        var pending = await BroadcastNewAsync(request, gas.Value, cancellationToken).ConfigureAwait(false);
        TransactionReceipt receipt;
        try
        {
            receipt = await WaitAsync(pending, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _inFlight.TryRemove(pending.Nonce, out _);
        }

        if (receipt.Status?.Value == 1)
        {
            return TransactionResult.Succeeded(receipt);
        }

        return TransactionResult.Reverted(await ReplayRevertAsync(request, receipt, cancellationToken).ConfigureAwait(false), receipt.TransactionHash);
    }

    /// <summary>
    /// Forgets the nonce counted in memory, so the next send takes the node's pending count again (after the key was
    /// used elsewhere, say). The sender also does this by itself whenever the node contradicts it.
    /// </summary>
    public async Task ResynchronizeAsync(CancellationToken cancellationToken = default)
    {
        await _nonceLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        _nextNonce = null;
        _nonceLock.Release();
    }

    // Takes the next nonce, signs and broadcasts; the nonce advances only once the node has the transaction.
    private async Task<PendingTransaction> BroadcastNewAsync(TransactionRequest request, long gas, CancellationToken cancellationToken)
    {
        // Fees are read before the lock so that callers queue only for the nonce; a few blocks' drift is what the
        // base-fee multiplier and replacement are for.
        var fees = await FeesAsync(cancellationToken).ConfigureAwait(false);
        var head = await HeadAsync(cancellationToken).ConfigureAwait(false);
        await _nonceLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (resyncs, occupied) = (0, 0);
            while (true)
            {
                _nextNonce ??= await PendingNonceAsync(cancellationToken).ConfigureAwait(false);
                var pending = new PendingTransaction(request, _nextNonce.Value, gas);
                var (raw, hash) = Sign(pending, fees.MaxFee, fees.Tip);
                BroadcastOutcome outcome;
                try
                {
                    outcome = await BroadcastAsync(raw, hash, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not TransactionRejectedException)
                {
                    // (A refusal leaves the nonce free for the next transaction: the node does not have this one.)
                    // Otherwise the node may or may not have it: only its pending count can tell, so ask it next time.
                    _nextNonce = null;
                    if (ChainErrors.IsTransient(e))
                    {
                        throw new TransactionBroadcastException(hash, pending.Nonce, e);
                    }

                    throw;
                }

                if (outcome == BroadcastOutcome.Accepted)
                {
                    _nextNonce = pending.Nonce + 1;
                    pending.Hashes.Add(hash);
                    pending.Fees = (fees.MaxFee, fees.Tip);
                    pending.SentAtBlock = head;
                    _inFlight[pending.Nonce] = pending;
                    _logger.LogDebug("sent {Hash} (nonce {Nonce}) to {To} from {From}", hash, pending.Nonce, request.To, Address);
                    return pending;
                }

                if (outcome == BroadcastOutcome.Underpriced && occupied < MaxOccupiedNonces)
                {
                    // A pending transaction already holds this nonce, though the node's pending count left it out (some
                    // nodes count only what fits the next block): it is used, so the next one is ours.
                    occupied++;
                    _nextNonce = pending.Nonce + 1;
                    _logger.LogWarning("nonce {Nonce} of {Address} is held by a pending transaction; taking the next", pending.Nonce, Address);
                    continue;
                }

                // The node's view of the account differs from ours (the key used elsewhere, a transaction dropped):
                // take its pending count and sign again.
                _nextNonce = null;
                if (++resyncs == 3 || outcome == BroadcastOutcome.Underpriced)
                {
                    throw new TransactionRejectedException($"the node keeps refusing nonce {pending.Nonce} of {Address} ({outcome}); is the key used by another process?");
                }

                _logger.LogWarning("nonce {Nonce} of {Address} refused ({Outcome}); taking the node's pending count", pending.Nonce, Address, outcome);
            }
        }
        finally
        {
            _nonceLock.Release();
        }
    }

    // Sends a signed transaction. Transient failures resend the same bytes, so a retry can only find it known.
    private async Task<BroadcastOutcome> BroadcastAsync(string raw, string hash, CancellationToken cancellationToken)
    {
        try
        {
            await _retry.RunAsync("eth_sendRawTransaction", () => Web3.Eth.Transactions.SendRawTransaction.SendRequestAsync(raw), cancellationToken).ConfigureAwait(false);
            return BroadcastOutcome.Accepted;
        }
        catch (RpcResponseException e) when (!ChainErrors.IsTransient(e))
        {
            // Whatever the node says, it may have the transaction: an earlier attempt got through and was mined at once
            // (the nonce then looks taken), or a node that mines on arrival (Hardhat) reports the transaction's revert
            // as the error of the broadcast. Then it is ours, mined, and its receipt tells the rest.
            if (await IsKnownAsync(hash, cancellationToken).ConfigureAwait(false))
            {
                return BroadcastOutcome.Accepted;
            }

            var message = e.RpcError?.Message ?? "";
            return Classify(message) ?? throw new TransactionRejectedException($"the node refused a transaction from {Address}: {message}", e);
        }
    }

    // Node messages for the nonce and replacement conditions (geth, Nethermind, Erigon, Besu, Hardhat).
    private static BroadcastOutcome? Classify(string message)
    {
        if (Has(message, "already known") || Has(message, "known transaction") || Has(message, "already imported") || Has(message, "alreadyknown"))
        {
            return BroadcastOutcome.Accepted;
        }

        if (Has(message, "nonce too low") || Has(message, "nonce has already been used") || Has(message, "oldnonce") || Has(message, "nonce is too low"))
        {
            return BroadcastOutcome.NonceTooLow;
        }

        if (Has(message, "nonce too high") || Has(message, "nonce is too high"))
        {
            return BroadcastOutcome.NonceTooHigh;
        }

        if (Has(message, "underpriced") || Has(message, "replacement transaction"))
        {
            return BroadcastOutcome.Underpriced;
        }

        return null;

        static bool Has(string message, string part) => message.Contains(part, StringComparison.OrdinalIgnoreCase);
    }

    private (string Raw, string Hash) Sign(PendingTransaction pending, BigInteger maxFee, BigInteger tip)
    {
        var request = pending.Request;
        var transaction = new Transaction1559(ChainId, pending.Nonce, tip, maxFee, pending.Gas, request.To, request.Value,
            request.Data.Length == 0 ? "0x" : request.Data.ToHex(prefix: true), []);
        var raw = Signer.SignTransaction(_key, transaction).EnsureHexPrefix();
        return (raw, TransactionUtils.CalculateTransactionHash(raw).EnsureHexPrefix().ToLowerInvariant());
    }

    // Fee caps for a new transaction: base fee times the multiplier plus the tip, within the configured caps.
    private async Task<(BigInteger MaxFee, BigInteger Tip)> FeesAsync(CancellationToken cancellationToken)
    {
        var baseFee = await BaseFeeAsync(cancellationToken).ConfigureAwait(false);
        var tip = _options.PriorityFeePerGasWei ?? BigInteger.Min(await SuggestedTipAsync(cancellationToken).ConfigureAwait(false), _options.MaxPriorityFeePerGasWei);
        var cap = _options.MaxFeePerGasWei;
        if (baseFee >= cap)
        {
            throw new TransactionRejectedException($"the base fee ({baseFee} wei) is at or above {TransactionSenderOptions.SectionName}:MaxFeePerGasGwei ({_options.MaxFeePerGasGwei} gwei); nothing is sent until it falls");
        }

        var maxFee = BigInteger.Min(baseFee * _options.BaseFeeMultiplier + tip, cap);
        return (maxFee, BigInteger.Min(tip, maxFee - baseFee));
    }

    private async Task<BigInteger> BaseFeeAsync(CancellationToken cancellationToken)
    {
        var block = await _retry.RunAsync("eth_getBlockByNumber latest",
            () => Web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(BlockParameter.CreateLatest()), cancellationToken).ConfigureAwait(false);
        return block?.BaseFeePerGas?.Value
            ?? throw new TransactionRejectedException("the chain's blocks have no base fee: EIP-1559 transactions need a London (or later) chain");
    }

    private async Task<BigInteger> SuggestedTipAsync(CancellationToken cancellationToken)
    {
        try
        {
            var tip = await _retry.RunAsync("eth_maxPriorityFeePerGas",
                () => Web3.Client.SendRequestAsync<HexBigInteger>(new RpcRequest(1, "eth_maxPriorityFeePerGas")), cancellationToken).ConfigureAwait(false);
            return tip.Value;
        }
        catch (RpcResponseException e) when (!ChainErrors.IsTransient(e))
        {
            // Nodes without the method: the cap is the tip (still bounded, and replacement only raises it).
            _logger.LogDebug("eth_maxPriorityFeePerGas unsupported ({Error}); tipping the configured maximum", e.RpcError?.Message);
            return _options.MaxPriorityFeePerGasWei;
        }
    }

    private async Task<BigInteger> PendingNonceAsync(CancellationToken cancellationToken)
        => (await _retry.RunAsync("eth_getTransactionCount pending",
            () => Web3.Eth.Transactions.GetTransactionCount.SendRequestAsync(Address, BlockParameter.CreatePending()), cancellationToken).ConfigureAwait(false)).Value;

    private async Task<BigInteger> HeadAsync(CancellationToken cancellationToken)
        => (await _retry.RunAsync("eth_blockNumber", () => Web3.Eth.Blocks.GetBlockNumber.SendRequestAsync(), cancellationToken).ConfigureAwait(false)).Value;

    private async Task<bool> IsKnownAsync(string hash, CancellationToken cancellationToken)
        => await _retry.RunAsync("eth_getTransactionByHash", () => Web3.Eth.Transactions.GetTransactionByHash.SendRequestAsync(hash), cancellationToken).ConfigureAwait(false) is not null;

    private CallInput CallInput(TransactionRequest request) => new()
    {
        From = Address,
        To = request.To,
        Data = request.Data.Length == 0 ? null : request.Data.ToHex(prefix: true),
        Value = new HexBigInteger(request.Value),
    };
}
