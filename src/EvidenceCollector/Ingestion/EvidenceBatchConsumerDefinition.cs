using MassTransit;
using Microsoft.Extensions.Options;

namespace EvidenceCollector.Ingestion;

/// <summary>
/// The collector's receive endpoint: one queue (<c>Ingestion:Queue</c>; a quorum queue on a cluster, see
/// <see cref="IngestionQueueType"/>) that every collector process consumes,
/// bound to the <c>oracle.evidence-batch</c> exchange; bounded concurrency and prefetch; bodies larger than
/// <c>Ingestion:MaxBatchBytes</c> go to the error queue unread (<see cref="SizeLimitedSerializerFactory"/>), and what goes
/// there is counted by cause (<see cref="FailedMessageCounter"/>).
/// </summary>
internal sealed class EvidenceBatchConsumerDefinition : ConsumerDefinition<EvidenceBatchConsumer>
{
    private readonly IngestionOptions _options;
    private readonly CollectorMetrics _metrics;
    private readonly bool _quorum;

    public EvidenceBatchConsumerDefinition(IOptions<IngestionOptions> options, IOptions<Oracle.Hosting.BusOptions> bus, CollectorMetrics metrics)
    {
        _options = options.Value;
        _metrics = metrics;
        _quorum = _options.UsesQuorumQueues(bus.Value);
        EndpointName = _options.Queue;
        ConcurrentMessageLimit = _options.ConcurrentMessageLimit;
    }

    /// <inheritdoc />
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<EvidenceBatchConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.PrefetchCount = Math.Max(_options.PrefetchCount, _options.ConcurrentMessageLimit);
        if (_quorum && endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            // Replicated on a cluster's nodes: a broker node that dies loses no batch.
            rabbit.SetQuorumQueue();
        }

        var serialization = new SizeLimitedSerializerFactory(_options.MaxBatchBytes);
        endpointConfigurator.ClearSerialization();
        endpointConfigurator.AddSerializer(serialization, true);
        endpointConfigurator.AddDeserializer(serialization, isDefault: true);
        endpointConfigurator.ConfigureError(error => error.UseFilter(new FailedMessageCounter(_metrics)));
        endpointConfigurator.ConfigureDefaultErrorTransport();
    }
}
