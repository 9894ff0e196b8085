namespace OracleNode.Storage;

/// <summary>
/// The node's vote for one seat: decided, written durably, then committed and revealed. Keyed by dispute, round and the
/// dispute record's hash (after a reorganization a dispute id may name another dispute; its vote is then another entry).
/// </summary>
internal sealed class JournalEntry
{
    public long DisputeId { get; init; }

    public long Round { get; init; }

    public string RecordHash { get; init; } = "";

    public string Juror { get; init; } = "";

    /// <summary>1 Upheld, 2 Rejected.</summary>
    public long Vote { get; init; }

    /// <summary>The 32-byte salt, 0x-hex.</summary>
    public string Salt { get; init; } = "";

    /// <summary>The commitment the contract checks, 0x-hex.</summary>
    public string Commitment { get; init; } = "";

    /// <summary>The adjudication rule that decided (docs/protocol.md §8.3), for example <c>8.3 ClientBreachedPolicy: upheld</c>.</summary>
    public string Rule { get; init; } = "";

    /// <summary>Every check and its outcome, JSON array of strings.</summary>
    public string Reasons { get; init; } = "[]";

    public long DecidedAt { get; init; }

    public long? CommittedAt { get; init; }

    public long? RevealedAt { get; init; }

    public string? CommitTransaction { get; init; }

    public string? RevealTransaction { get; init; }
}
