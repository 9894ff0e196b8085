using Oracle.Core.Evidence;

namespace EvidenceCollector.Ingestion;

/// <summary>A batch refused before it reached the store (kept in the <c>rejections</c> table with the group's commit).</summary>
/// <param name="Batch">The batch.</param>
/// <param name="Digest">Its digest.</param>
/// <param name="Error">Why.</param>
/// <param name="Detail">The detail the gateway is told.</param>
internal sealed record BatchRefusal(EvidenceBatch Batch, byte[] Digest, EvidenceBatchError Error, string Detail);
