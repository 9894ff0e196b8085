namespace Oracle.Core.Evidence;

/// <summary>The client refused to sign a voucher for an epoch, and why (it keeps the evidence for a dispute).</summary>
public sealed record ClientRejection
{
    /// <summary>The reason code (docs/protocol.md §5.3).</summary>
    public required EpochRejectionReason Reason { get; init; }

    /// <summary>
    /// A human-readable detail, for example which flow disagreed. Not published: it may name the session's traffic, so a
    /// published batch carries the reason only (null here).
    /// </summary>
    public string? Detail { get; init; }
}
