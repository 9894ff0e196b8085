using System.Globalization;
using System.Numerics;
using Microsoft.Extensions.Logging;
using Oracle.Core.Evidence;
using Oracle.Core.Policy;
using OracleNode.Evidence;
using OracleNode.Hosting;
using OracleNode.Storage;
using OracleNode.Watching;

namespace OracleNode.Judging;

/// <summary>
/// The adjudication rules of docs/protocol.md §8, exactly: gather the documents that count (§8.1), prove records
/// (§8.2), apply the claim's rule (§8.3). Anything missing or failing a check is not proven, and a claim not proven is
/// Rejected. Every step leaves a line in the judgment's reasons.
/// </summary>
internal sealed class Judge(NodeChain chain, INodeStore store, DocumentFetcher documents, OnChainRecord onChain, IRecordProver prover, ILogger<Judge> logger) : IJudge
{
    public async Task<Judgment> JudgeAsync(DisputeCase c, CancellationToken cancellationToken)
    {
        var reasons = new List<string>();
        var claim = (byte)c.Row.ClaimType;
        var name = ClaimNames.Of(claim);
        if (c.Session is null)
        {
            return Rejected(name, "the session's terms (SessionOpened) are unknown to the node", reasons, complete: true);
        }

        var evidence = await GatherAsync(c, reasons, cancellationToken).ConfigureAwait(false);
        var judgment = claim switch
        {
            ClaimNames.ClientBreachedPolicy => await ClientBreachedPolicyAsync(c, evidence, reasons, cancellationToken).ConfigureAwait(false),
            ClaimNames.ProviderBreachedPolicy or ClaimNames.ProviderWithheldService => await ProviderRecordClaimAsync(c, claim, evidence, reasons, cancellationToken).ConfigureAwait(false),
            ClaimNames.ProviderOvercharged => await OverchargedAsync(c, evidence, reasons, cancellationToken).ConfigureAwait(false),
            _ => Rejected(name, $"claim type {claim} has no adjudication rule", reasons, complete: true),
        };
        logger.LogDebug("dispute {Dispute} round {Round}: {Rule}", c.Row.Id, c.Round, judgment.Rule);
        return judgment;
    }

    // §8.1: the claim's document and the documents of the parties submitted before the cutoff, merged.
    private async Task<GatheredEvidence> GatherAsync(DisputeCase c, List<string> reasons, CancellationToken cancellationToken)
    {
        var sources = new List<(string Uri, string Hash, string Label)> { (c.Row.EvidenceUri, c.Row.EvidenceHash, "the claim's document") };
        foreach (var document in await store.DocumentsAsync(c.Row.Id, cancellationToken).ConfigureAwait(false))
        {
            if (document.Party != c.Row.Filer && document.Party != c.Row.Respondent)
            {
                continue;
            }

            var time = await BlockTimeAsync((ulong)document.Block, cancellationToken).ConfigureAwait(false);
            if (time >= c.EvidenceCutoff)
            {
                reasons.Add($"§8.1 document {document.Hash} of {document.Party} submitted after the evidence cutoff ({time} ≥ {c.EvidenceCutoff}): not counted");
                continue;
            }

            sources.Add((document.Uri, document.Hash, $"document {document.Hash} of {document.Party}"));
        }

        var gathered = new GatheredEvidence();
        var terms = c.Session!.Decode();
        foreach (var (uri, hash, label) in sources)
        {
            var fetched = await documents.FetchAsync(uri, hash, cancellationToken).ConfigureAwait(false);
            if (!fetched.IsFetched)
            {
                reasons.Add($"§8.1 {label}: {fetched.Problem}");
                gathered.Complete &= !fetched.Transient;
                continue;
            }

            if (!EvidenceDocument.TryParse(fetched.Bytes!, out var parsed, out var error))
            {
                reasons.Add($"§8.1 {label}: ignored ({error})");
                continue;
            }

            if (parsed!.SessionId != (ulong)c.Row.SessionId || parsed.DisputeId is { } other && other != c.Row.Id)
            {
                reasons.Add($"§8.1 {label}: ignored (it is about session {parsed.SessionId}{(parsed.DisputeId is { } d ? $", dispute {d}" : "")})");
                continue;
            }

            if (parsed.PolicyJson is { } json && gathered.Policy is null)
            {
                if (!PolicyDocument.TryParse(json, out var policy, out var policyError))
                {
                    reasons.Add($"§8.1 {label}: its policy is not a policy document ({policyError})");
                }
                else if (!policy.Hash.SequenceEqual(terms.PolicyHash))
                {
                    reasons.Add($"§8.1 {label}: its policy hashes to {policy.HashHex}, not to the session's {DisputeRecords.Hex(terms.PolicyHash)}");
                }
                else
                {
                    gathered.Policy = policy;
                    reasons.Add($"§8.1 {label}: the session's policy {policy.HashHex}");
                }
            }

            foreach (var index in parsed.Records)
            {
                gathered.Records.Add(index);
            }

            foreach (var disclosure in parsed.Disclosures.Where(d => d.Recipient == chain.Me))
            {
                gathered.Disclosures.Add(disclosure);
            }
        }

        reasons.Add(string.Create(CultureInfo.InvariantCulture, $"§8.1 {sources.Count} document(s) counted: {gathered.Records.Count} record(s) named, {gathered.Disclosures.Count} key disclosure(s) to this node, policy {(gathered.Policy is null ? "missing" : "present")}"));
        return gathered;
    }

    private async Task<Judgment> ClientBreachedPolicyAsync(DisputeCase c, GatheredEvidence evidence, List<string> reasons, CancellationToken cancellationToken)
    {
        const string Name = "ClientBreachedPolicy";
        var ruleId = (uint)c.Row.RuleId;
        var candidates = new List<ProvenRecord>();
        var complete = evidence.Complete;
        if (c.Dispute.EvidenceVerified)
        {
            var (record, problem) = await onChain.ReadAsync(c.Row.TransactionHash, (ulong)c.Row.SessionId, cancellationToken).ConfigureAwait(false);
            if (record is null)
            {
                reasons.Add("§8.2 " + problem);
            }
            else
            {
                candidates.Add(record);
            }
        }

        if (evidence.Records.Count > 0)
        {
            var proven = await prover.ProveAsync(c.Session!, evidence.Records, evidence.Disclosures, c.EvidenceCutoff, cancellationToken).ConfigureAwait(false);
            reasons.AddRange(proven.Problems.Select(p => "§8.2 " + p));
            reasons.AddRange(proven.Records.Select(Proven));
            candidates.AddRange(proven.Records);
            complete &= proven.Complete;
        }

        foreach (var r in candidates)
        {
            var label = $"record {r.LeafIndex} ({r.Source}: {r.Record})";
            if (!r.CoSigned)
            {
                reasons.Add($"§8.3 {label}: not co-signed by the client");
                continue;
            }

            if (r.Record.Verdict != FlowVerdict.Denied || r.Record.RuleId != ruleId || r.Record.Direction != TrafficDirection.Outbound)
            {
                reasons.Add($"§8.3 {label}: not an outbound record denied by rule {ruleId}");
                continue;
            }

            if (ruleId == PolicyDecision.ProviderGuardRuleId)
            {
                return Upheld(Name, $"record {r.LeafIndex}, denied by the provider guard, co-signed by the client", reasons, complete);
            }

            if (evidence.Policy is null)
            {
                reasons.Add($"§8.3 {label}: the session's policy is missing, so rule {ruleId} cannot be checked");
                continue;
            }

            if (!RecordPolicy.TryEvaluate(r.Record, evidence.Policy, out var decision, out var unusable))
            {
                reasons.Add($"§8.3 {label}: cannot be evaluated ({unusable})");
                continue;
            }

            if (decision.IsAllowed || decision.RuleId != ruleId)
            {
                reasons.Add($"§8.3 {label}: the policy decides ({decision.Action}, rule {decision.RuleId}), not (Deny, rule {ruleId})");
                continue;
            }

            return Upheld(Name, $"record {r.LeafIndex}, an outbound flow the policy denies by rule {ruleId}, co-signed by the client", reasons, complete);
        }

        return Rejected(Name, $"no proven, co-signed, outbound record denied by rule {ruleId}", reasons, complete);
    }

    private async Task<Judgment> ProviderRecordClaimAsync(DisputeCase c, byte claim, GatheredEvidence evidence, List<string> reasons, CancellationToken cancellationToken)
    {
        var name = ClaimNames.Of(claim);
        var ruleId = (uint)c.Row.RuleId;
        if (evidence.Policy is null)
        {
            return Rejected(name, "the session's policy was not submitted (needed to check the records)", reasons, evidence.Complete);
        }

        if (evidence.Records.Count == 0)
        {
            return Rejected(name, "no record named", reasons, evidence.Complete);
        }

        var proven = await prover.ProveAsync(c.Session!, evidence.Records, evidence.Disclosures, c.EvidenceCutoff, cancellationToken).ConfigureAwait(false);
        reasons.AddRange(proven.Problems.Select(p => "§8.2 " + p));
        reasons.AddRange(proven.Records.Select(Proven));
        var complete = evidence.Complete && proven.Complete;
        foreach (var r in proven.Records)
        {
            var label = $"record {r.LeafIndex} ({r.Record})";
            if (!RecordPolicy.TryEvaluate(r.Record, evidence.Policy, out var decision, out var unusable))
            {
                reasons.Add($"§8.3 {label}: cannot be evaluated ({unusable})");
                continue;
            }

            if (claim == ClaimNames.ProviderBreachedPolicy)
            {
                if (r.Record.Verdict == FlowVerdict.Allowed && !decision.IsAllowed && decision.RuleId == ruleId)
                {
                    return Upheld(name, $"{label} was carried although the policy denies it by rule {ruleId}", reasons, complete);
                }

                reasons.Add($"§8.3 {label}: verdict {r.Record.Verdict}, the policy decides ({decision.Action}, rule {decision.RuleId}): no breach of rule {ruleId}");
            }
            else
            {
                if (r.Record.Verdict == FlowVerdict.Denied && r.Record.RuleId == ruleId && ruleId != PolicyDecision.ProviderGuardRuleId && decision.IsAllowed)
                {
                    return Upheld(name, $"{label} was dropped by rule {ruleId} although the policy allows it", reasons, complete);
                }

                reasons.Add($"§8.3 {label}: verdict {r.Record.Verdict} by rule {r.Record.RuleId}, the policy decides ({decision.Action}, rule {decision.RuleId}): no service withheld by rule {ruleId}");
            }
        }

        return Rejected(name, $"no proven record shows it (rule {ruleId})", reasons, complete);
    }

    private async Task<Judgment> OverchargedAsync(DisputeCase c, GatheredEvidence evidence, List<string> reasons, CancellationToken cancellationToken)
    {
        const string Name = "ProviderOvercharged";
        var terms = c.Session!.Decode();
        var state = (await chain.Sessions.SessionStateQueryAsync((ulong)c.Row.SessionId, null, cancellationToken).ConfigureAwait(false)).State;
        var log = await prover.ProveWholeLogAsync(c.Session!, evidence.Disclosures, c.EvidenceCutoff, cancellationToken).ConfigureAwait(false);
        var complete = evidence.Complete && log.Complete;
        if (!log.IsProven)
        {
            return Rejected(Name, "the session's log is not proven whole: " + log.Problem, reasons, complete);
        }

        var owed = VoucherPricing.AmountFor(log.AllowedOctets, terms.PricePerMiB);
        reasons.Add(string.Create(CultureInfo.InvariantCulture, $"§8.3 the log at its latest anchored checkpoint has {log.TreeSize} records, {log.AllowedOctets} allowed octets: at {terms.PricePerMiB} per MiB the provider is owed at most {owed}; it was paid {state.Paid}"));
        return state.Paid > owed
            ? Upheld(Name, string.Create(CultureInfo.InvariantCulture, $"paid {state.Paid} > owed {owed}"), reasons, complete)
            : Rejected(Name, string.Create(CultureInfo.InvariantCulture, $"paid {state.Paid} ≤ owed {owed}"), reasons, complete);
    }

    private static string Proven(ProvenRecord r) => $"§8.2 record {r.LeafIndex} proven ({r.Source}{(r.CoSigned ? ", co-signed by the client" : "")}): {r.Record}";

    private async Task<ulong> BlockTimeAsync(ulong block, CancellationToken cancellationToken)
    {
        if (await store.BlockTimeAsync(block, cancellationToken).ConfigureAwait(false) is { } known)
        {
            return known;
        }

        var header = await chain.Context.Web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(new Nethereum.Hex.HexTypes.HexBigInteger(new BigInteger(block))).WaitAsync(cancellationToken).ConfigureAwait(false);
        var time = (ulong)header.Timestamp.Value;
        await store.SaveBlockTimeAsync(block, time, cancellationToken).ConfigureAwait(false);
        return time;
    }

    private static Judgment Upheld(string claim, string why, List<string> reasons, bool complete)
    {
        reasons.Add($"§8.3 {claim}: upheld: {why}");
        return new Judgment(Judgment.Upheld, $"§8.3 {claim}: upheld: {why}", reasons, complete);
    }

    private static Judgment Rejected(string claim, string why, List<string> reasons, bool complete)
    {
        reasons.Add($"§8.3 {claim}: not proven: {why}");
        return new Judgment(Judgment.Rejected, $"§8.3 {claim}: not proven: {why}", reasons, complete);
    }

    private sealed class GatheredEvidence
    {
        public PolicyDocument? Policy { get; set; }

        public SortedSet<ulong> Records { get; } = [];

        public List<KeyDisclosure> Disclosures { get; } = [];

        public bool Complete { get; set; } = true;
    }
}
