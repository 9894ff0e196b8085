namespace EvidenceCollector.Ingestion;

/// <summary>A message body above <c>Ingestion:MaxBatchBytes</c>: refused before it is read.</summary>
internal sealed class BatchTooLargeException(string message) : Exception(message);
