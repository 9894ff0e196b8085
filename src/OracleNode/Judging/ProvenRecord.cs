using Oracle.Core.Evidence;

namespace OracleNode.Judging;

/// <summary>A record of the session's log that passed the checks of docs/protocol.md §8.2.</summary>
/// <param name="LeafIndex">Its index in the session's log.</param>
/// <param name="Record">The opened, decoded record.</param>
/// <param name="CoSigned">Whether the client's voucher covers it (§8.2.4).</param>
/// <param name="Source">Where it was proven (on-chain at filing, or the collector and anchor), for the reasons.</param>
internal sealed record ProvenRecord(ulong LeafIndex, FlowRecord Record, bool CoSigned, string Source);
