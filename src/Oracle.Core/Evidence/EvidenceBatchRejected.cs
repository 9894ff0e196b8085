namespace Oracle.Core.Evidence;

/// <summary>
/// The evidence consumer's refusal of an <see cref="EvidenceBatch"/>: it did not store the batch and never will, because
/// the batch itself is wrong. The gateway keeps the batch quarantined in its spool for inspection (it is signed evidence:
/// never deleted) and does not publish it again (docs/protocol.md §5.4) — only when the rejection names a batch it has
/// published, by its <see cref="Digest"/>: an id alone, which anyone can compute, quarantines nothing.
/// </summary>
public sealed record EvidenceBatchRejected
{
    /// <summary>The batch (<see cref="EvidenceBatch.BatchId"/>).</summary>
    public required Guid BatchId { get; init; }

    /// <summary>The batch's session.</summary>
    public required ulong SessionId { get; init; }

    /// <summary>The batch's checkpoint tree size.</summary>
    public required ulong TreeSize { get; init; }

    /// <summary>
    /// The <see cref="EvidenceBatchDigest"/> of the batch the consumer rejected (32 bytes): the gateway quarantines its
    /// spooled batch only if it has this content.
    /// </summary>
    public required byte[] Digest { get; init; }

    /// <summary>What is wrong (<see cref="EvidenceBatchVerifier"/>, or <see cref="EvidenceBatchError.ConflictingDuplicate"/>).</summary>
    public required EvidenceBatchError Error { get; init; }

    /// <summary>The detail, for the operator.</summary>
    public required string Reason { get; init; }

    /// <summary>Who rejected it (the consumer's name, for logs).</summary>
    public string? Consumer { get; init; }
}
