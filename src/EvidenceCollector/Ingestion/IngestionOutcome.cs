using Oracle.Core.Evidence;

namespace EvidenceCollector.Ingestion;

/// <summary>What became of one delivery: accepted (answer it), rejected (answer it and keep it in the rejected queue) or deferred (no answer yet).</summary>
/// <param name="Accepted">The acceptance to send, when held.</param>
/// <param name="Rejected">The refusal to send, when refused.</param>
internal sealed record IngestionOutcome(EvidenceBatchAccepted? Accepted, EvidenceBatchRejected? Rejected)
{
    /// <summary>Deferred: the batches before it are missing here; the gateway publishes it again.</summary>
    public static IngestionOutcome Deferred { get; } = new(null, null);

    /// <summary>Whether the delivery is left unanswered.</summary>
    public bool IsDeferred => Accepted is null && Rejected is null;
}
