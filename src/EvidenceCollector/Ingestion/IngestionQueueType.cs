namespace EvidenceCollector.Ingestion;

/// <summary>The type of the collector's queues on RabbitMQ (<c>Ingestion:QueueType</c>).</summary>
internal enum IngestionQueueType
{
    /// <summary>Quorum queues on a cluster (<c>Bus:Nodes</c> set), classic durable queues on a single broker.</summary>
    Auto,

    /// <summary>Quorum queues: replicated on the cluster's nodes, so a broker node that dies loses no batch.</summary>
    Quorum,

    /// <summary>
    /// Classic durable queues: on a single broker as durable as a quorum queue (batches are persistent and published with
    /// confirms), and they take consumers again as soon as the broker is back after a crash; a single-node quorum queue
    /// on RabbitMQ 3.10 was seen refusing consumers for minutes after one.
    /// </summary>
    Classic,
}
