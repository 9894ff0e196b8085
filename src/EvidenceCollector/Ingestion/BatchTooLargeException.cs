using System.Runtime.Serialization;

namespace EvidenceCollector.Ingestion;

/// <summary>A message body above <c>Ingestion:MaxBatchBytes</c>: refused before it is read (a deserialization failure).</summary>
internal sealed class BatchTooLargeException(string message) : SerializationException(message);
