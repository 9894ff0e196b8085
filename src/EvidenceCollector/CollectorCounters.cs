namespace EvidenceCollector;

/// <summary>The names of the collector's counters (<see cref="CollectorMetrics"/>), one place for code, tests and docs.</summary>
public static class CollectorCounters
{
    /// <summary>Batches verified and stored now (or already held: reason <c>duplicate</c>).</summary>
    public const string BatchesAccepted = "batches_accepted";

    /// <summary>Batches refused, by reason (an <c>EvidenceBatchError</c> or the collector's own check).</summary>
    public const string BatchesRejected = "batches_rejected";

    /// <summary>Batches whose session log has a gap before them: not answered, the gateway publishes them again.</summary>
    public const string BatchesDeferred = "batches_deferred";

    /// <summary>Batches that contradict held evidence (same id other content, or a fork of the session log): kept and reported.</summary>
    public const string BatchesConflicting = "batches_conflicting";

    /// <summary>Messages that are not a readable batch (too large, not parsable), moved to the error queue.</summary>
    public const string MessagesMalformed = "messages_malformed";

    /// <summary>Batches moved to the error queue because storing them kept failing (after the bus's retries), by exception.</summary>
    public const string MessagesFailed = "messages_failed";

    /// <summary>Records stored.</summary>
    public const string RecordsStored = "records_stored";

    /// <summary>Leaves appended to the global log.</summary>
    public const string LeavesSequenced = "leaves_sequenced";

    /// <summary>Anchors the EvidenceRegistry accepted.</summary>
    public const string Anchors = "anchors";

    /// <summary>Gas used by anchors.</summary>
    public const string AnchorGas = "anchor_gas";

    /// <summary>Proofs served, by kind.</summary>
    public const string ProofsServed = "proofs_served";

    /// <summary>Database round trips of the proofs served, by kind (a record proof takes one, or two when its checkpoint's size was not the expected one).</summary>
    public const string ProofRoundTrips = "proof_round_trips";

    /// <summary>
    /// Sessions the collector learnt, by where from: <c>watcher</c> (a SessionOpened event, before any batch),
    /// <c>database</c> (kept by a watcher before a restart or in another process), <c>chain</c> (read at the session's
    /// first batch), <c>chain-unknown</c> (a batch named a session nobody opened).
    /// </summary>
    public const string SessionsFound = "sessions_found";

    /// <summary>Records deleted after their retention (their hashes stay).</summary>
    public const string RecordsPruned = "records_pruned";

    /// <summary>Every counter with its description (the instruments <see cref="CollectorMetrics"/> exports).</summary>
    public static IReadOnlyList<(string Name, string Description)> All { get; } =
    [
        (BatchesAccepted, "Batches verified and stored (reason verified), or already held (reason duplicate)"),
        (BatchesRejected, "Batches refused, by reason"),
        (BatchesDeferred, "Batches whose session log has a gap before them, parked or left for the gateway to publish again"),
        (BatchesConflicting, "Batches contradicting held evidence (conflicting duplicate, fork): kept and reported"),
        (MessagesMalformed, "Messages that are not a readable batch, moved to the error queue, by reason"),
        (MessagesFailed, "Batches moved to the error queue after storing kept failing, by exception"),
        (RecordsStored, "Records stored"),
        (LeavesSequenced, "Leaves appended to the global log"),
        (Anchors, "Anchors the EvidenceRegistry accepted"),
        (AnchorGas, "Gas used by anchors"),
        (ProofsServed, "Proofs served, by kind"),
        (ProofRoundTrips, "Database round trips of the proofs served, by kind"),
        (SessionsFound, "Sessions learnt, by where from (watcher, database, chain, chain-unknown)"),
        (RecordsPruned, "Records deleted after their retention (their hashes stay)"),
    ];
}
