using System.Globalization;
using System.Net;
using System.Numerics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Oracle.Core.Evidence;
using Oracle.Core.Merkle;
using Oracle.Core.Proofs;
using OracleNode.Hosting;
using OracleNode.Judging;
using OracleNode.Storage;
using OracleNode.Watching;

namespace OracleNode.Evidence;

/// <summary>
/// Proves records from the evidence collectors' read API against the chain (docs/protocol.md §8.2): each record's
/// <see cref="SessionRecordProof"/> checked against the session's signers from <c>SessionOpened</c>, its checkpoint's
/// <see cref="CheckpointInclusionProof"/> checked against an EvidenceRegistry anchor the node's own watcher read from
/// the chain (in a block before the evidence cutoff), the sealed record opened with a key disclosed to the node and
/// checked against the signed leaf hash. Nothing a collector says about validity is used: a collector that serves
/// something that fails a check is passed over for the next one, and one that does not answer makes the judgment
/// incomplete (tried again until <c>Voting:DecisionMargin</c>).
/// </summary>
internal sealed class CollectorRecordProver(HttpClient http, NodeChain chain, INodeStore store, IOptions<EvidenceOptions> options) : IRecordProver
{
    /// <summary>The most records a record claim's documents may name (four documents' worth of §8.1's 64).</summary>
    public const int MaxNamedRecords = 256;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly EvidenceOptions _options = options.Value;

    public async Task<RecordProofs> ProveAsync(SessionRow session, IReadOnlyCollection<ulong> leafIndices, IReadOnlyList<KeyDisclosure> disclosures, ulong cutoff, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var keys = OpenDisclosures(session, disclosures, problems);
        if (_options.Collectors.Count == 0)
        {
            problems.Add("no evidence collector is configured (Evidence:Collectors): no record can be proven");
            return new RecordProofs([], problems, true);
        }

        if (keys.Count == 0)
        {
            problems.Add("no evidence key of the session was disclosed to this node: its records cannot be opened");
            return new RecordProofs([], problems, true);
        }

        var parties = Parties(session);
        var proven = new List<ProvenRecord>();
        var complete = true;
        if (leafIndices.Count > MaxNamedRecords)
        {
            // Documents are anyone's to submit: a pile of record numbers must not keep the node busy past its deadline.
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{leafIndices.Count} records named: only the first {MaxNamedRecords} are read"));
        }

        foreach (var index in leafIndices.Take(MaxNamedRecords))
        {
            var (record, recordComplete) = await ProveOneAsync(parties, index, null, keys, cutoff, problems, cancellationToken).ConfigureAwait(false);
            complete &= recordComplete;
            if (record is not null)
            {
                proven.Add(record);
            }
        }

        return new RecordProofs(proven, problems, complete);
    }

    public async Task<WholeLog> ProveWholeLogAsync(SessionRow session, IReadOnlyList<KeyDisclosure> disclosures, ulong cutoff, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var keys = OpenDisclosures(session, disclosures, problems);
        if (_options.Collectors.Count == 0)
        {
            return new WholeLog(0, 0, "no evidence collector is configured (Evidence:Collectors)", true);
        }

        if (keys.Count == 0)
        {
            return new WholeLog(0, 0, "no evidence key of the session was disclosed to this node", true);
        }

        var parties = Parties(session);
        var complete = true;
        // The latest checkpoint anchored before the cutoff that any collector shows: a collector that withholds later
        // checkpoints cannot shrink the log.
        (SignedCheckpoint Checkpoint, string Anchor)? latest = null;
        foreach (var collector in _options.Collectors)
        {
            var (checkpoints, problem, transient) = await GetAsync<List<CollectorCheckpoint>>(collector, $"/v1/sessions/{parties.SessionId}/checkpoints", cancellationToken).ConfigureAwait(false);
            if (checkpoints is null)
            {
                problems.Add($"{collector}: {problem}");
                complete &= !transient;
                continue;
            }

            foreach (var c in checkpoints.Where(c => c.Checkpoint is not null).OrderByDescending(c => c.Checkpoint!.TreeSize))
            {
                if (latest is { } best && best.Checkpoint.TreeSize >= c.Checkpoint!.TreeSize)
                {
                    break;
                }

                var anchored = await AnchoredAsync(collector, parties, c.Checkpoint!, cutoff, cancellationToken).ConfigureAwait(false);
                if (anchored.Anchor is not null)
                {
                    latest = (c.Checkpoint!, anchored.Anchor);
                    break;
                }

                complete &= !anchored.Transient;
            }
        }

        if (latest is not { } head)
        {
            return new WholeLog(0, 0, "no checkpoint of the session is anchored before the evidence cutoff" + Join(problems), complete);
        }

        if (head.Checkpoint.TreeSize > (ulong)_options.MaxRecords)
        {
            return new WholeLog(0, 0, string.Create(CultureInfo.InvariantCulture, $"the log has {head.Checkpoint.TreeSize} records, more than Evidence:MaxRecords ({_options.MaxRecords})"), true);
        }

        var octets = 0UL;
        for (var i = 0UL; i < head.Checkpoint.TreeSize; i++)
        {
            var (record, recordComplete) = await ProveOneAsync(parties, i, head.Checkpoint, keys, cutoff, problems, cancellationToken).ConfigureAwait(false);
            if (record is null)
            {
                return new WholeLog(0, 0, string.Create(CultureInfo.InvariantCulture, $"record {i} of the log of {head.Checkpoint.TreeSize} is not proven") + Join(problems), complete && recordComplete);
            }

            if (record.Record.Verdict == FlowVerdict.Allowed)
            {
                octets += record.Record.Octets;
            }
        }

        return new WholeLog(head.Checkpoint.TreeSize, octets, null, complete);
    }

    // One leaf: the first collector whose answer passes every check proves it; `under` pins the checkpoint (whole log).
    private async Task<(ProvenRecord? Record, bool Complete)> ProveOneAsync(SessionLogParties parties, ulong index, SignedCheckpoint? under, IReadOnlyList<byte[]> keys, ulong cutoff,
        List<string> problems, CancellationToken cancellationToken)
    {
        var complete = true;
        var query = under is null ? "" : string.Create(CultureInfo.InvariantCulture, $"?treeSize={under.TreeSize}");
        foreach (var collector in _options.Collectors)
        {
            var label = string.Create(CultureInfo.InvariantCulture, $"record {index} from {collector}");
            var (proof, problem, transient) = await GetAsync<SessionRecordProof>(collector, string.Create(CultureInfo.InvariantCulture, $"/v1/sessions/{parties.SessionId}/records/{index}{query}"), cancellationToken).ConfigureAwait(false);
            if (proof is null)
            {
                problems.Add($"{label}: {problem}");
                complete &= !transient;
                continue;
            }

            var check = proof.Verify(parties);
            if (!check.IsValid)
            {
                problems.Add($"{label}: rejected ({check.Error}: {check.Detail})");
                continue;
            }

            if (proof.LeafIndex != index || (under is not null && (proof.Checkpoint.TreeSize != under.TreeSize || !proof.Checkpoint.Root.AsSpan().SequenceEqual(under.Root))))
            {
                problems.Add($"{label}: rejected (it proves leaf {proof.LeafIndex} under a checkpoint of {proof.Checkpoint.TreeSize} leaves, not the one asked for)");
                continue;
            }

            var anchored = await AnchoredAsync(collector, parties, proof.Checkpoint, cutoff, cancellationToken).ConfigureAwait(false);
            if (anchored.Anchor is null)
            {
                problems.Add($"{label}: its checkpoint of {proof.Checkpoint.TreeSize} leaves is not proven anchored: {anchored.Problem}");
                complete &= !anchored.Transient;
                continue;
            }

            RecordOpening? opening = null;
            foreach (var key in keys)
            {
                opening = proof.Open(key);
                if (opening.IsOpened)
                {
                    break;
                }
            }

            if (opening is not { IsOpened: true })
            {
                problems.Add($"{label}: the sealed record does not open with the disclosed key(s) ({opening?.Error}: {opening?.Detail})");
                continue;
            }

            var source = $"collector {collector}, checkpoint of {proof.Checkpoint.TreeSize} leaves{(proof.Voucher is null ? "" : " with the client's voucher")}, {anchored.Anchor}";
            return (new ProvenRecord(index, opening.Record, CoSigned: proof.Voucher is not null, source), complete);
        }

        return (null, complete);
    }

    // §8.2.2: the checkpoint is a leaf of a collector's global log included under a root the EvidenceRegistry anchored in
    // a block before the cutoff. Size and root come from the node's own store of CheckpointAnchored events, never from
    // the collector.
    private async Task<(string? Anchor, string Problem, bool Transient)> AnchoredAsync(string collector, SessionLogParties parties, SignedCheckpoint checkpoint, ulong cutoff, CancellationToken cancellationToken)
    {
        var path = string.Create(CultureInfo.InvariantCulture, $"/v1/sessions/{parties.SessionId}/checkpoints/{checkpoint.TreeSize}/inclusion");
        var (inclusion, problem, transient) = await GetAsync<CheckpointInclusionProof>(collector, path, cancellationToken).ConfigureAwait(false);
        if (inclusion is null)
        {
            return (null, problem!, transient);
        }

        if (inclusion.LogId is not { Length: 32 })
        {
            return (null, "the inclusion proof names no 32-byte log id", false);
        }

        var logId = DisputeRecords.Hex(inclusion.LogId);
        var anchors = await store.LogAnchorsAsync(logId, cancellationToken).ConfigureAwait(false);
        var timely = new List<AnchorRow>();
        foreach (var anchor in anchors)
        {
            if (await BlockTimeAsync((ulong)anchor.Block, cancellationToken).ConfigureAwait(false) < cutoff)
            {
                timely.Add(anchor);
            }
        }

        var at = timely.FirstOrDefault(a => (ulong)a.TreeSize == inclusion.TreeSize);
        if (at is null)
        {
            // The collector proved against an anchor after the cutoff (or one the chain does not hold): ask for the
            // largest anchor before the cutoff that can hold the leaf.
            var earlier = timely.Where(a => (ulong)a.TreeSize > inclusion.LeafIndex).OrderByDescending(a => a.TreeSize).FirstOrDefault();
            if (earlier is null)
            {
                return (null, anchors.Count == 0
                    ? $"log {logId} has no anchor in the EvidenceRegistry (as far as the node's watcher has read)"
                    : $"no anchor of log {logId} before the evidence cutoff holds it", anchors.Count == 0);
            }

            (inclusion, problem, transient) = await GetAsync<CheckpointInclusionProof>(collector, path + string.Create(CultureInfo.InvariantCulture, $"?size={earlier.TreeSize}"), cancellationToken).ConfigureAwait(false);
            if (inclusion is null)
            {
                return (null, problem!, transient);
            }

            if (inclusion.LogId is not { Length: 32 } || !inclusion.LogId.AsSpan().SequenceEqual(Convert.FromHexString(logId.AsSpan(2))))
            {
                return (null, "the inclusion proof changed its log id", false);
            }

            at = earlier;
        }

        var root = Convert.FromHexString(at.Root.AsSpan(2));
        var check = inclusion.Verify(parties, new TreeHead((ulong)at.TreeSize, root), out var leaf);
        if (!check.IsValid)
        {
            return (null, $"rejected against the anchor of log {logId} at size {at.TreeSize} ({check.Error}: {check.Detail})", false);
        }

        if (leaf!.Checkpoint.TreeSize != checkpoint.TreeSize || !leaf.Checkpoint.Root.AsSpan().SequenceEqual(checkpoint.Root))
        {
            return (null, $"the anchored leaf is a checkpoint of {leaf.Checkpoint.TreeSize} leaves with another root", false);
        }

        return (string.Create(CultureInfo.InvariantCulture, $"anchored in log {logId[..10]}… at size {at.TreeSize} (block {at.Block})"), "", false);
    }

    private async Task<(T? Value, string? Problem, bool Transient)> GetAsync<T>(string collector, string path, CancellationToken cancellationToken)
        where T : class
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            using var response = await http.GetAsync(new Uri(new Uri(collector.TrimEnd('/') + "/"), path.TrimStart('/')), HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone or HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity)
            {
                return (null, $"{path} answered {(int)response.StatusCode}", false);
            }

            if (!response.IsSuccessStatusCode)
            {
                return (null, $"{path} answered {(int)response.StatusCode}", true);
            }

            // A proof is a few kilobytes, a session's checkpoint list grows with its epochs: 16 MiB bounds what a
            // collector can make the node read.
            const int MaxAnswer = 16 << 20;
            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(chunk, timeout.Token).ConfigureAwait(false)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > MaxAnswer)
                {
                    return (null, $"{path}: the answer is larger than 16 MiB", false);
                }
            }

            var value = JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), Json);
            return value is null ? (null, $"{path}: empty answer", false) : (value, null, false);
        }
        catch (JsonException e)
        {
            return (null, $"{path}: not a valid answer ({e.Message})", false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return (null, $"did not answer ({e.GetBaseException().Message})", true);
        }
    }

    // The disclosures addressed to this node that open with its key (§8.1 "The key").
    private List<byte[]> OpenDisclosures(SessionRow session, IReadOnlyList<KeyDisclosure> disclosures, List<string> problems)
    {
        var keys = new List<byte[]>();
        if (disclosures.Count == 0)
        {
            return keys;
        }

        var signer = chain.Context.RequireSigner("opening evidence key disclosures");
        var context = new EvidenceKeyContext(chain.Context.ChainId, chain.Context.SessionManagerDomain.VerifyingContract, (ulong)session.SessionId, chain.Me);
        foreach (var disclosure in disclosures)
        {
            var error = EvidenceKeyDisclosure.TryOpen(disclosure.Sealed, signer, context, out var key);
            if (error is not null)
            {
                problems.Add($"a key disclosure to this node does not open: {error}");
            }
            else if (!keys.Any(k => k.AsSpan().SequenceEqual(key)))
            {
                keys.Add(key);
            }
        }

        return keys;
    }

    private SessionLogParties Parties(SessionRow session)
        => new((ulong)session.SessionId, chain.Context.SessionManagerDomain, session.Provider, session.Client);

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

    private static string Join(List<string> problems) => problems.Count == 0 ? "" : ": " + string.Join("; ", problems.Take(3));

    /// <summary>The part of a collector's <c>/v1/sessions/{id}/checkpoints</c> entry the node reads.</summary>
    private sealed record CollectorCheckpoint(SignedCheckpoint? Checkpoint);
}
