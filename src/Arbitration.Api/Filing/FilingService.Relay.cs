using System.Numerics;
using Arbitration.Api.Apis;
using Nethereum.Contracts;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.RPC.Eth.DTOs;
using Oracle.Chain;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Chain.Contracts.VpnToken;
using Oracle.Chain.Deployment;
using Oracle.Chain.Errors;

namespace Arbitration.Api.Filing;

/// <summary>Relaying: claim the filing, reserve gas, send the permit (when needed) and <c>fileFor</c>, record the dispute.</summary>
internal sealed partial class FilingService
{
    private async Task<FilingOutcome> RelayAsync(SignedFiling filing, string digest, Session terms, List<string> panel, SignedPermit? permit, CancellationToken cancellationToken)
    {
        var options = relayerOptions.Value;
        switch (await filings.TryClaimAsync(digest, filing.Filer, (long)filing.SessionId, filing.Nonce, options.RelayLease, cancellationToken))
        {
            case FilingClaim.Held:
                return await AwaitOtherRelayAsync(digest, cancellationToken);
            case FilingClaim.NonceInFlight:
                return FilingOutcome.Refused(ProblemTypes.RelayerUnavailable,
                    $"another filing of {AddressOf(filing.Filer)} with nonce {filing.Nonce} is being relayed; only one of them can be filed (send this one again once it is done)");
        }

        var worstCase = await reads.GasPriceAsync(cancellationToken) * 2 * options.MaxGasPerFiling;
        var (reservation, refusal) = await budget.TryReserveAsync(filing.Filer, worstCase, cancellationToken);
        if (reservation is null)
        {
            await filings.FailAsync(digest, ProblemTypes.RelayerLimitReached.Slug, refusal, cancellationToken);
            return FilingOutcome.Refused(ProblemTypes.RelayerLimitReached, refusal!);
        }

        BigInteger spent = 0;
        var sent = false;
        try
        {
            if (permit is not null)
            {
                var permitResult = await sender.TrySendAsync(chain.AddressOf(ContractNames.VpnToken), new PermitFunction
                {
                    Owner = filing.Filer,
                    Spender = chain.AddressOf(ContractNames.DisputeManager),
                    Value = permit.Value,
                    Deadline = permit.Deadline,
                    V = permit.V,
                    R = permit.R,
                    S = permit.S,
                }, cancellationToken);
                sent |= permitResult.TransactionHash is not null;
                spent += await GasCostAsync(permitResult, cancellationToken);
                // A permit someone else submitted first is spent, but its allowance is what counts.
                if (!permitResult.IsSuccess && (await reads.FundsAsync(filing.Filer, cancellationToken)).Allowance < (await CostAsync(terms, cancellationToken)))
                {
                    return await RefuseAsync(digest, Map(permitResult.Error!, filing, null));
                }
            }

            var result = await sender.TrySendAsync(chain.AddressOf(ContractNames.DisputeManager), new FileForFunction
            {
                Filer = filing.Filer,
                Claim = new Claim
                {
                    SessionId = filing.SessionId,
                    ClaimType = (byte)filing.ClaimType,
                    RuleId = filing.RuleId,
                    EvidenceHash = filing.EvidenceHash,
                    EvidenceUri = filing.EvidenceUri,
                },
                Deadline = filing.Deadline,
                Signature = filing.Signature.HexToByteArray(),
                Session = terms,
                Panel = panel,
                Proof = filing.Proof is null ? [] : [filing.Proof],
            }, cancellationToken);
            sent |= result.TransactionHash is not null;
            spent += await GasCostAsync(result, cancellationToken);
            if (!result.IsSuccess)
            {
                var nonceNow = await reads.FilingNonceAsync(filing.Filer, cancellationToken);
                return await RefuseAsync(digest, Map(result.Error, filing, nonceNow));
            }

            var filed = result.Receipt.DecodeAllEvents<DisputeFiledEvent>().Single().Event;
            var receipt = new FilingReceipt((long)filed.DisputeId, (long)filing.SessionId, AddressOf(filing.Filer), result.Receipt.TransactionHash,
                (long)result.Receipt.BlockNumber.Value, digest);
            await filings.CompleteAsync(digest, receipt.DisputeId, receipt.TransactionHash, receipt.BlockNumber, spent, CancellationToken.None);
            logger.LogInformation("filed dispute {DisputeId} on session {SessionId} for {Filer} (transaction {Transaction}, {Gas} wei of gas)",
                receipt.DisputeId, filing.SessionId, receipt.Filer, receipt.TransactionHash, spent);
            return FilingOutcome.Filed(receipt, created: true);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The node failed us: the transaction may or may not be out. The row stays claimed until its lease ends; the
            // same filing sent again then checks the chain's nonce first (a dispute that was filed is found and answered).
            logger.LogWarning(e, "relaying filing {Digest} failed: {Error}", digest, e.GetBaseException().Message);
            return FilingOutcome.Refused(ProblemTypes.RelayerUnavailable, "the chain node did not take the relayer's transaction; send the same signed filing again later");
        }
        finally
        {
            metrics.RelayGasWei.Add((double)spent);
            await budget.SettleAsync(reservation, spent, sent, CancellationToken.None);
        }
    }

    private async Task<FilingOutcome> RefuseAsync(string digest, FilingOutcome outcome)
    {
        await filings.FailAsync(digest, outcome.Problem!.Slug, outcome.Detail, CancellationToken.None);
        return outcome;
    }

    // Another request relays the same signed filing: wait for its answer.
    private async Task<FilingOutcome> AwaitOtherRelayAsync(string digest, CancellationToken cancellationToken)
    {
        var until = time.GetUtcNow() + relayerOptions.Value.DuplicateWait;
        while (time.GetUtcNow() < until)
        {
            var row = await filings.FindAsync(digest, cancellationToken);
            if (row is { State: "filed" })
            {
                return FilingOutcome.Filed(Receipt(row, digest), created: false);
            }

            if (row is { State: "failed" })
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken);
        }

        return FilingOutcome.Refused(ProblemTypes.RelayerUnavailable, "the same signed filing is being relayed by another request; send it again in a moment for its receipt");
    }

    private async Task<BigInteger> CostAsync(Session terms, CancellationToken cancellationToken)
    {
        var (feePerSeat, stakePerRound, _, _) = await reads.ParametersAsync(cancellationToken);
        return feePerSeat * terms.CommitteeSize + stakePerRound;
    }

    // The contract's word for what the checks above could not see (state changed between check and send, or a rule
    // the API does not duplicate).
    private static FilingOutcome Map(ContractError error, SignedFiling filing, BigInteger? nonceNow)
    {
        var extensions = new Dictionary<string, object?> { ["error"] = error.ToString() };
        if (error.Is<DisputeFilingExpiredError>())
        {
            return FilingOutcome.Refused(ProblemTypes.ExpiredSignature, "the filing's deadline passed before it was mined", extensions);
        }

        if (error.Is<DisputeInvalidFilingSignatureError>())
        {
            return nonceNow > filing.Nonce
                ? FilingOutcome.Refused(ProblemTypes.ReplayedNonce, $"the filer's nonce moved to {nonceNow} meanwhile", extensions)
                : FilingOutcome.Refused(ProblemTypes.ForgedSignature, "the DisputeManager does not recover the filer from the signature", extensions);
        }

        if (error.Is<DisputeInvalidClaimError>())
        {
            return FilingOutcome.Refused(ProblemTypes.NonPartySigner, "the DisputeManager refuses this filer for this claim type", extensions);
        }

        if (error.Is<SessionDisputeWindowClosedError>() || error.Is<SessionWrongStatusError>())
        {
            return FilingOutcome.Refused(ProblemTypes.DisputeWindowClosed, "the session no longer takes this claim", extensions);
        }

        if (error.Is<SessionUnknownError>())
        {
            return FilingOutcome.Refused(ProblemTypes.UnknownSession, "the SessionManager does not know these session terms", extensions);
        }

        if (error.Is<ERC20InsufficientBalanceError>() || error.Is<ERC20InsufficientAllowanceError>() || error.Is<SafeERC20FailedOperationError>())
        {
            return FilingOutcome.Refused(ProblemTypes.InsufficientFunds, "the filer's tokens or allowance do not cover the fee and stake", extensions);
        }

        if (error.Is<ERC2612ExpiredSignatureError>() || error.Is<ERC2612InvalidSignerError>() || error.Is<InvalidAccountNonceError>())
        {
            return FilingOutcome.Refused(ProblemTypes.PermitInvalid, "the VPN token refused the permit", extensions);
        }

        return FilingOutcome.Refused(ProblemTypes.FilingRejected, $"the contract reverted with {error.Name}", extensions);
    }

    // Gas paid: a reverted transaction that was mined paid too (its result carries only the hash).
    private async Task<BigInteger> GasCostAsync(TransactionResult result, CancellationToken cancellationToken)
    {
        var receipt = result.Receipt;
        if (receipt is null && result.TransactionHash is { } hash)
        {
            receipt = await chain.Web3.Eth.Transactions.GetTransactionReceipt.SendRequestAsync(hash).WaitAsync(cancellationToken);
        }

        return receipt is null ? 0 : receipt.GasUsed.Value * (receipt.EffectiveGasPrice?.Value ?? 0);
    }

    private static string AddressOf(string address) => Nethereum.Util.AddressUtil.Current.ConvertToChecksumAddress(address);
}
