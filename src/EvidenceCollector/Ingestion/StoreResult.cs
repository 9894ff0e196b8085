using Oracle.Core.Evidence;

namespace EvidenceCollector.Ingestion;

/// <summary>The outcome of storing one batch.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Detail">For the operator and the rejection's reason.</param>
/// <param name="HeldDigest">The digest of the batch held under the same id (duplicates and conflicts).</param>
internal sealed record StoreResult(StoreOutcome Outcome, string Detail, byte[]? HeldDigest = null)
{
    /// <summary>The error the gateway is told when the store refused the batch, or null (stored, duplicate, gap).</summary>
    public EvidenceBatchError? Refusal => Outcome switch
    {
        StoreOutcome.Conflict => EvidenceBatchError.ConflictingDuplicate,
        StoreOutcome.Fork => EvidenceBatchError.NotAnExtension,
        StoreOutcome.RootMismatch => EvidenceBatchError.RootMismatch,
        StoreOutcome.TimeReversed => EvidenceBatchError.TimeReversed,
        _ => null,
    };
}
