using System.ComponentModel.DataAnnotations;

namespace EvidenceCollector.Ingestion;

/// <summary>Section <c>Ingestion</c>: how batches are taken from the bus (docs/operations.md, EvidenceCollector).</summary>
internal sealed class IngestionOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Ingestion";

    /// <summary>The queue every collector process consumes (bound to the <c>oracle.evidence-batch</c> exchange).</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.-]{1,200}$")]
    public string Queue { get; set; } = "evidence-collector";

    /// <summary>Where refused batches go, with their reason in the headers (bound to an exchange of the same name).</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.-]{1,200}$")]
    public string RejectedQueue { get; set; } = "evidence-collector-rejected";

    /// <summary>
    /// The type of both queues: quorum on a cluster, classic on a single broker (<see cref="IngestionQueueType.Auto"/>). A
    /// queue keeps the type it was created with: changing it needs the queue deleted (or drained) on the broker first.
    /// </summary>
    public IngestionQueueType QueueType { get; set; } = IngestionQueueType.Auto;

    /// <summary>The largest message body taken (bytes); a larger one goes to the error queue unread.</summary>
    [Range(4096, 256 * 1024 * 1024)]
    public int MaxBatchBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>
    /// Deliveries one process holds at once (each waits for its group's commit; they are cheap: the work is done by the
    /// <see cref="GroupCommitters"/>).
    /// </summary>
    [Range(1, 4096)]
    public int ConcurrentMessageLimit { get; set; } = 256;

    /// <summary>Messages the broker hands one process ahead (at least the concurrency).</summary>
    [Range(1, 10_000)]
    public int PrefetchCount { get; set; } = 256;

    /// <summary>
    /// Workers that each store groups in one transaction, verifying the next group while one is stored. One (the default)
    /// stores the groups in the order they were taken; more store groups at once (their batches of one session may then
    /// arrive before their predecessors and be parked), as a slow disk or many small batches may want.
    /// </summary>
    [Range(1, 64)]
    public int GroupCommitters { get; set; } = 1;

    /// <summary>The most batches in one group (one transaction).</summary>
    [Range(1, 4096)]
    public int MaxGroupBatches { get; set; } = 128;

    /// <summary>A group closes when it holds this many records (one transaction's binary COPY).</summary>
    [Range(1, 10_000_000)]
    public int MaxGroupRecords { get; set; } = 65_536;

    /// <summary>
    /// Follow the SessionManager's SessionOpened events (<see cref="SessionWatcher"/>), so a session is known before its
    /// first batch. Off: each session is read from the chain at its first batch (four calls to the node on that batch's
    /// path), as before the watcher; the checks are the same either way.
    /// </summary>
    public bool WatchSessions { get; set; } = true;

    /// <summary>How long a group that is not full waits for more deliveries before it is decided (0: decide what is there).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan GroupWait { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>
    /// How long a batch that starts after the end of its session's log held here stays parked (its delivery acknowledged
    /// without an answer, holding no consumer) for the batches before it; then it is decided a last time (another process
    /// may have stored them) and else left for the gateway to publish again.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan GapWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The most batches parked at once; a gap beyond is left for the gateway to publish again at once.</summary>
    [Range(0, 1_000_000)]
    public int MaxParked { get; set; } = 4096;

    /// <summary>Whether the queues are quorum queues, given the bus's settings.</summary>
    public bool UsesQuorumQueues(Oracle.Hosting.BusOptions bus)
        => QueueType == IngestionQueueType.Quorum || (QueueType == IngestionQueueType.Auto && bus.Nodes.Count > 0);
}
