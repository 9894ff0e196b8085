namespace EvidenceCollector.Ingestion;

/// <summary>A delivery waiting in the <see cref="GroupCommitter"/> for its group, or parked there after a gap.</summary>
/// <param name="delivery">The delivery.</param>
internal sealed class PendingBatch(BatchDelivery delivery)
{
    /// <summary>The delivery.</summary>
    public BatchDelivery Delivery { get; } = delivery;

    /// <summary>Completed when the consumer may answer (and acknowledge) the delivery.</summary>
    public TaskCompletionSource<IngestionOutcome> Decided { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Whether it was parked: its delivery was acknowledged without an answer; the committer answers it itself.</summary>
    public bool Parked { get; set; }

    /// <summary>Until when it stays parked.</summary>
    public DateTimeOffset ParkedUntil { get; set; }

    /// <summary>Its session's log size this process had stored when it was parked (or its wait renewed).</summary>
    public ulong ParkedAtSize { get; set; }

    /// <summary>Whether its park ran out and it is decided a last time (a gap then leaves it to the gateway).</summary>
    public bool LastTry { get; set; }
}
