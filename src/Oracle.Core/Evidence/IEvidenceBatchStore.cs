namespace Oracle.Core.Evidence;

/// <summary>
/// The consumer's durable store of evidence batches, deduplicating by <see cref="EvidenceBatch.BatchId"/> (the collector
/// keeps it in PostgreSQL; tests in memory). Used by <see cref="EvidenceBatchAcknowledger"/>.
/// </summary>
public interface IEvidenceBatchStore
{
    /// <summary>
    /// Stores <paramref name="batch"/> unless a batch with its id is held, atomically (concurrent deliveries of one batch
    /// store it once). Returns only when the batch is durable.
    /// </summary>
    /// <param name="batch">A verified batch.</param>
    /// <param name="digest">Its <see cref="EvidenceBatchDigest"/>, to tell a re-publication from a conflicting version.</param>
    /// <param name="cancellationToken">Cancels the store.</param>
    ValueTask<EvidenceStoreOutcome> TryStoreAsync(EvidenceBatch batch, byte[] digest, CancellationToken cancellationToken);
}
