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

    /// <summary>Batches one process verifies and stores at once.</summary>
    [Range(1, 1024)]
    public int ConcurrentMessageLimit { get; set; } = 16;

    /// <summary>Messages the broker hands one process ahead (at least the concurrency).</summary>
    [Range(1, 10_000)]
    public int PrefetchCount { get; set; } = 64;

    /// <summary>
    /// How long a batch that starts after the end of its session's log held here waits for the batches before it (another
    /// process may be storing them) before it is left unanswered for the gateway to publish again.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan GapWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether the queues are quorum queues, given the bus's settings.</summary>
    public bool UsesQuorumQueues(Oracle.Hosting.BusOptions bus)
        => QueueType == IngestionQueueType.Quorum || (QueueType == IngestionQueueType.Auto && bus.Nodes.Count > 0);
}
