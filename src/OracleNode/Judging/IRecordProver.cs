using OracleNode.Evidence;
using OracleNode.Storage;

namespace OracleNode.Judging;

/// <summary>
/// Proves records of a session's evidence log from the collectors' data and the chain's anchors (docs/protocol.md §8.2),
/// opening them with the evidence keys disclosed to the node.
/// </summary>
internal interface IRecordProver
{
    /// <summary>Proves the records at <paramref name="leafIndices"/>; a record that fails any check is left out with the reason.</summary>
    Task<RecordProofs> ProveAsync(SessionRow session, IReadOnlyCollection<ulong> leafIndices, IReadOnlyList<KeyDisclosure> disclosures, ulong cutoff, CancellationToken cancellationToken);

    /// <summary>
    /// The session's whole log at its latest checkpoint anchored before <paramref name="cutoff"/>: every record opened and
    /// the root rebuilt (the ProviderOvercharged rule, §8.3).
    /// </summary>
    Task<WholeLog> ProveWholeLogAsync(SessionRow session, IReadOnlyList<KeyDisclosure> disclosures, ulong cutoff, CancellationToken cancellationToken);
}
