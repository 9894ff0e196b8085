using System.Globalization;
using System.Numerics;
using Arbitration.Api.Apis;
using Arbitration.Api.Evidence;
using Arbitration.Api.ReadModel;
using Microsoft.Extensions.Options;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.Util;
using Oracle.Chain;
using Oracle.Chain.Contracts;
using Oracle.Chain.Model;
using Oracle.Core.Eip712;

namespace Arbitration.Api.Filing;

/// <summary>
/// Takes a party's signed filing and files it on-chain with <c>DisputeManager.fileFor</c>, paying the gas: checks the
/// signature, that the signer is the party that may file the claim, the session and its dispute window, the evidence
/// bundle, the nonce and the filer's funds (relaying its permit first when it needs one), then relays within the
/// relayer's limits. Every refusal is a <see cref="ProblemType"/>; the same signed filing twice files once.
/// </summary>
internal sealed partial class FilingService(
    ChainContext chain,
    IFilingChain reads,
    IRelaySender sender,
    ReadModelQueries readModel,
    EvidenceStore evidence,
    FilingStore filings,
    RelayerBudget budget,
    ArbitrationMetrics metrics,
    IOptions<RelayerOptions> relayerOptions,
    IOptions<ApiOptions> apiOptions,
    TimeProvider time,
    ILogger<FilingService> logger)
{
    /// <summary>Files <paramref name="filing"/>; <paramref name="evidenceBase"/> is this API's base URL as the request reached it.</summary>
    public async Task<FilingOutcome> FileAsync(SignedFiling filing, string evidenceBase, CancellationToken cancellationToken)
    {
        var outcome = await DecideAsync(filing, evidenceBase, cancellationToken);
        metrics.Filings.Add(1, new KeyValuePair<string, object?>("outcome", outcome.Problem?.Slug ?? (outcome.Created ? "filed" : "repeated")));
        return outcome;
    }

    private async Task<FilingOutcome> DecideAsync(SignedFiling filing, string evidenceBase, CancellationToken cancellationToken)
    {
        var record = await SessionAsync(filing.SessionId, cancellationToken);
        if (record is null)
        {
            return FilingOutcome.Refused(ProblemTypes.UnknownSession, $"no session {filing.SessionId} was opened on chain {chain.ChainId}");
        }

        var (terms, panel) = record.Value;
        var domain = chain.DisputeManagerDomain;
        var message = FilingMessages.Build(filing, terms);
        var digest = FilingMessages.Digest(message, domain);
        var signer = TypedDataSigner.Recover(message, domain, filing.Signature);
        if (signer is null || !AddressUtil.Current.AreAddressesTheSame(signer, filing.Filer))
        {
            return FilingOutcome.Refused(ProblemTypes.ForgedSignature, signer is null
                ? "the signature is malformed, malleable (high s) or recovers to no key"
                : $"the signature recovers to {signer}, not to the filer {Checksum(filing.Filer)} (is it signed under chain {chain.ChainId} and DisputeManager {domain.VerifyingContract}, with these exact fields?)");
        }

        var existing = await filings.FindAsync(digest, cancellationToken);
        if (existing is { State: "filed" })
        {
            return FilingOutcome.Filed(Receipt(existing, digest), created: false);
        }

        var againstClient = filing.ClaimType == ClaimType.ClientBreachedPolicy;
        var party = againstClient ? terms.Provider : terms.Client;
        if (!AddressUtil.Current.AreAddressesTheSame(party, filing.Filer))
        {
            var isParty = AddressUtil.Current.AreAddressesTheSame(terms.Client, filing.Filer) || AddressUtil.Current.AreAddressesTheSame(terms.Provider, filing.Filer);
            return FilingOutcome.Refused(ProblemTypes.NonPartySigner, isParty
                ? $"{filing.ClaimType} is filed by the session's {(againstClient ? "provider" : "client")} {Checksum(party)}"
                : $"{Checksum(filing.Filer)} is not a party of session {filing.SessionId}");
        }

        var now = await reads.LatestBlockTimeAsync(cancellationToken);
        if (filing.Deadline <= now)
        {
            return FilingOutcome.Refused(ProblemTypes.ExpiredSignature, $"the filing's deadline {filing.Deadline} is not after the chain's time {now}");
        }

        if (await WindowClosedAsync(filing, terms, againstClient, now, cancellationToken) is { } closed)
        {
            return FilingOutcome.Refused(ProblemTypes.DisputeWindowClosed, closed);
        }

        if (await EvidenceProblemAsync(filing, evidenceBase, cancellationToken) is { } evidenceProblem)
        {
            return FilingOutcome.Refused(ProblemTypes.EvidenceMismatch, evidenceProblem);
        }

        var nonce = await reads.FilingNonceAsync(filing.Filer, cancellationToken);
        if (filing.Nonce < nonce)
        {
            // A relay of ours that died after sending: the dispute it filed is the answer.
            if (existing is { State: "relaying" } && await RecoverAsync(filing, existing, digest, cancellationToken) is { } recovered)
            {
                return recovered;
            }

            return FilingOutcome.Refused(ProblemTypes.ReplayedNonce, $"the filer's nonce is {nonce}; nonce {filing.Nonce} was used");
        }

        if (filing.Nonce > nonce)
        {
            return FilingOutcome.Refused(ProblemTypes.NonceNotCurrent, $"the filer's next nonce is {nonce}, not {filing.Nonce}");
        }

        var (feePerSeat, stakePerRound, _, _) = await reads.ParametersAsync(cancellationToken);
        var cost = feePerSeat * terms.CommitteeSize + stakePerRound;
        var (balance, allowance) = await reads.FundsAsync(filing.Filer, cancellationToken);
        if (balance < cost)
        {
            return FilingOutcome.Refused(ProblemTypes.InsufficientFunds, $"the filing costs {cost} VPN base units (fee {feePerSeat} × {terms.CommitteeSize} seats + stake {stakePerRound}); the filer holds {balance}");
        }

        var permit = allowance >= cost ? null : filing.Permit;
        if (allowance < cost)
        {
            if (await PermitProblemAsync(filing, cost, now, cancellationToken) is { } permitProblem)
            {
                return permitProblem;
            }
        }

        return await RelayAsync(filing, digest, terms, panel, permit, cancellationToken);
    }

    // The session's terms and panel: from the read model, or the chain when the read model has not reached it.
    private async Task<(Session Terms, List<string> Panel)?> SessionAsync(ulong sessionId, CancellationToken cancellationToken)
    {
        if (sessionId > long.MaxValue)
        {
            return null;
        }

        if (await readModel.SessionRowAsync((long)sessionId, cancellationToken) is { } row)
        {
            return (new Session
            {
                Client = Checksum(row.Client),
                Provider = Checksum(row.Provider),
                Deposit = Big(row.Deposit),
                PricePerMiB = Big(row.PricePerMib),
                Penalty = Big(row.Penalty),
                CommitteeSize = (byte)row.CommitteeSize,
                OpenedAt = (ulong)row.OpenedAt,
                PolicyHash = row.PolicyHash.HexToByteArray(),
                PanelHash = row.PanelHash.HexToByteArray(),
            }, row.Panel.Select(Checksum).ToList());
        }

        return await reads.FindSessionAsync(sessionId, cancellationToken) is { } record ? (record.Terms, record.Panel.ToList()) : null;
    }

    // SessionManager.disputeFiled: claims against the client while the session is Open or Closing; against the provider
    // until the dispute window after the session's end (its close, or openedAt + maxSessionDuration). The relayed
    // transaction lands in a later block, so a window that ends at the chain's current time counts as closed.
    private async Task<string?> WindowClosedAsync(SignedFiling filing, Session terms, bool againstClient, ulong now, CancellationToken cancellationToken)
    {
        var state = await reads.SessionStateAsync(filing.SessionId, cancellationToken);
        var status = (SessionStatus)state.Status;
        if (againstClient)
        {
            return status is SessionStatus.Open or SessionStatus.Closing ? null : $"claims against the client need the session Open or Closing; session {filing.SessionId} is {status}";
        }

        var (_, _, maxSessionDuration, disputeWindow) = await reads.ParametersAsync(cancellationToken);
        var end = terms.OpenedAt + maxSessionDuration;
        if (status == SessionStatus.Closed && state.ClosedAt < end)
        {
            end = state.ClosedAt;
        }

        return now >= end + disputeWindow ? $"session {filing.SessionId} ended at {end}; claims against its provider closed at {end + disputeWindow} (the chain's time is {now})" : null;
    }

    // The evidence URI must be this API's /evidence/{hash} of a stored bundle whose hash is the one signed.
    private async Task<string?> EvidenceProblemAsync(SignedFiling filing, string evidenceBase, CancellationToken cancellationToken)
    {
        var hash = filing.EvidenceHash.ToHex(true);
        var expected = (apiOptions.Value.PublicUrl?.TrimEnd('/') ?? evidenceBase.TrimEnd('/')) + "/evidence/" + hash;
        if (!string.Equals(filing.EvidenceUri, expected, StringComparison.OrdinalIgnoreCase))
        {
            return $"evidenceUri must be {expected}: post the bundle to /evidence first and sign the hash and URI it returns";
        }

        return await evidence.ExistsAsync(hash, cancellationToken) ? null : $"no evidence bundle {hash} was posted here";
    }

    // Relaying a permit: it must be the filer's, for the DisputeManager, cover the cost and outlive the relay.
    private async Task<FilingOutcome?> PermitProblemAsync(SignedFiling filing, BigInteger cost, ulong now, CancellationToken cancellationToken)
    {
        if (filing.Permit is not { } permit)
        {
            return FilingOutcome.Refused(ProblemTypes.InsufficientFunds, $"the filer's allowance to the DisputeManager is below the filing's cost {cost}: send a permit (or approve first)");
        }

        if (permit.Value < cost)
        {
            return FilingOutcome.Refused(ProblemTypes.PermitInvalid, $"the permit allows {permit.Value}; the filing costs {cost}");
        }

        if (permit.Deadline <= now)
        {
            return FilingOutcome.Refused(ProblemTypes.PermitInvalid, $"the permit's deadline {permit.Deadline} is not after the chain's time {now}");
        }

        var token = chain.AddressOf(Oracle.Chain.Deployment.ContractNames.VpnToken);
        var message = new Permit
        {
            Owner = Checksum(filing.Filer),
            Spender = chain.AddressOf(Oracle.Chain.Deployment.ContractNames.DisputeManager),
            Value = permit.Value,
            Nonce = await PermitNonceAsync(filing.Filer, cancellationToken),
            Deadline = permit.Deadline,
        };
        var signer = TypedDataSigner.Recover(message, TypedDataDomain.VpnToken(chain.ChainId, token), permit.Signature);
        return signer is not null && AddressUtil.Current.AreAddressesTheSame(signer, filing.Filer)
            ? null
            : FilingOutcome.Refused(ProblemTypes.PermitInvalid, "the permit is not the filer's signature of (owner = filer, spender = DisputeManager, value, the filer's current token nonce, deadline) under the VPN token's domain");
    }

    private Task<BigInteger> PermitNonceAsync(string owner, CancellationToken cancellationToken)
        => new Oracle.Chain.Contracts.VpnToken.VpnTokenService(chain.Web3, chain.AddressOf(Oracle.Chain.Deployment.ContractNames.VpnToken))
            .NoncesQueryAsync(owner, null, cancellationToken);

    private async Task<FilingOutcome?> RecoverAsync(SignedFiling filing, FilingRow existing, string digest, CancellationToken cancellationToken)
    {
        var notBefore = new DateTimeOffset(DateTime.SpecifyKind(existing.CreatedAt, DateTimeKind.Utc)).ToUnixTimeSeconds() - 3600;
        var found = await readModel.FindFiledAsync(filing.Filer, (long)filing.SessionId, (int)filing.ClaimType, filing.EvidenceHash.ToHex(true), notBefore, cancellationToken);
        if (found is not { } f)
        {
            return null;
        }

        logger.LogInformation("filing {Digest}: an earlier relay filed dispute {DisputeId} before it was recorded; answering with it", digest, f.DisputeId);
        await filings.CompleteAsync(digest, f.DisputeId, f.Tx, f.Block, 0, cancellationToken);
        return FilingOutcome.Filed(new FilingReceipt(f.DisputeId, (long)filing.SessionId, Checksum(filing.Filer), f.Tx, f.Block, digest), created: false);
    }

    private static FilingReceipt Receipt(FilingRow row, string digest)
        => new(row.DisputeId!.Value, row.SessionId, Checksum(row.Filer), row.TxHash!, row.BlockNumber!.Value, digest);

    private static string Checksum(string address) => AddressUtil.Current.ConvertToChecksumAddress(address);

    private static BigInteger Big(string value) => BigInteger.Parse(value, CultureInfo.InvariantCulture);
}
