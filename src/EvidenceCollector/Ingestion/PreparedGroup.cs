namespace EvidenceCollector.Ingestion;

/// <summary>A group verified and looked up (<see cref="BatchIngestion.PrepareAsync"/>), ready to be stored.</summary>
/// <param name="Count">Batches in the group.</param>
/// <param name="Refusals">The batches refused already, with their position in the group.</param>
/// <param name="Verified">The batches to store, with their position in the group.</param>
/// <param name="Verifying">How long verifying took.</param>
internal sealed record PreparedGroup(int Count, IReadOnlyList<(int Index, BatchRefusal Refusal)> Refusals, IReadOnlyList<(int Index, VerifiedBatch Batch)> Verified, TimeSpan Verifying);
