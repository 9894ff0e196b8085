using Oracle.Core.Evidence;

namespace EvidenceCollector.Ingestion;

/// <summary>A batch whose signatures and parties were checked, ready for <see cref="EvidenceStore.StoreGroupAsync"/>.</summary>
/// <param name="Batch">The batch.</param>
/// <param name="Digest">Its <see cref="EvidenceBatchDigest"/>.</param>
/// <param name="Session">Its session as opened on-chain.</param>
internal sealed record VerifiedBatch(EvidenceBatch Batch, byte[] Digest, OnChainSession Session);
