using OracleNode.Judging;
using OracleNode.Storage;

namespace OracleNode.Evidence;

/// <summary>Proves records from the evidence collectors' read API against the chain's anchors (docs/protocol.md §8.2).</summary>
internal sealed class CollectorRecordProver(HttpClient http) : IRecordProver
{
    // TODO(issue 12): the collector's proof DTOs (branch evidence) are not on main yet.
    public Task<RecordProofs> ProveAsync(SessionRow session, IReadOnlyCollection<ulong> leafIndices, IReadOnlyList<KeyDisclosure> disclosures, ulong cutoff, CancellationToken cancellationToken)
        => Task.FromResult(new RecordProofs([], [$"records from collectors are not verified by this build ({http.Timeout})"], true));

    public Task<WholeLog> ProveWholeLogAsync(SessionRow session, IReadOnlyList<KeyDisclosure> disclosures, ulong cutoff, CancellationToken cancellationToken)
        => Task.FromResult(new WholeLog(0, 0, "records from collectors are not verified by this build", true));
}
