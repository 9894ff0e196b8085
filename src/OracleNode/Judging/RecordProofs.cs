namespace OracleNode.Judging;

/// <summary>The records proven, and the checks that failed (for the reasons), and whether a server did not answer.</summary>
internal sealed record RecordProofs(IReadOnlyList<ProvenRecord> Records, IReadOnlyList<string> Problems, bool Complete);
