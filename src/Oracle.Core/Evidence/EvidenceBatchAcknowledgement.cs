namespace Oracle.Core.Evidence;

/// <summary>The answer to send for one delivery of an evidence batch: exactly one of the two is set.</summary>
/// <param name="Accepted">The batch is held (stored now, or already).</param>
/// <param name="Rejected">The batch is wrong and was not stored.</param>
public sealed record EvidenceBatchAcknowledgement(EvidenceBatchAccepted? Accepted, EvidenceBatchRejected? Rejected)
{
    /// <summary>The message to send back: an <see cref="EvidenceBatchAccepted"/> or an <see cref="EvidenceBatchRejected"/>.</summary>
    public object Message => (object?)Accepted ?? Rejected!;
}
