namespace Oracle.Core.Evidence;

/// <summary>
/// The evidence consumer's acknowledgement of an <see cref="EvidenceBatch"/>: it holds the batch durably, so the gateway
/// may remove it from its spool (docs/protocol.md §5.4). Sent to the batch message's response address (MassTransit
/// <c>RespondAsync</c>), also for duplicates.
/// </summary>
public sealed record EvidenceBatchAccepted
{
    /// <summary>The batch (<see cref="EvidenceBatch.BatchId"/>).</summary>
    public required Guid BatchId { get; init; }

    /// <summary>The batch's session.</summary>
    public required ulong SessionId { get; init; }

    /// <summary>The batch's checkpoint tree size.</summary>
    public required ulong TreeSize { get; init; }

    /// <summary>
    /// The <see cref="EvidenceBatchDigest"/> of the batch the consumer holds (32 bytes). The gateway removes its spooled
    /// batch only when its own copy has this digest: an acknowledgement cannot make it drop other content under the id.
    /// </summary>
    public required byte[] Digest { get; init; }

    /// <summary>Stored now, or already held.</summary>
    public required EvidenceBatchVerdict Verdict { get; init; }

    /// <summary>Who accepted it (the consumer's name, for logs).</summary>
    public string? Consumer { get; init; }
}
