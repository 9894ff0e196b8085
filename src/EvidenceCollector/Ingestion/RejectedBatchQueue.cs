using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Oracle.Core.Evidence;
using Oracle.Hosting;
using RabbitMQ.Client;

namespace EvidenceCollector.Ingestion;

/// <summary>
/// The queue of refused batches (<c>Ingestion:RejectedQueue</c>): each batch as received, with the error, the reason
/// and the collector in its headers, for an operator to inspect. Declared at start as a durable queue (quorum on a cluster) bound to a
/// fanout exchange of the same name (MassTransit sends to the exchange), so a refused batch survives a broker node.
/// </summary>
internal sealed class RejectedBatchQueue(IOptions<IngestionOptions> options, IOptions<BusOptions> bus) : IHostedService
{
    /// <summary>Header naming the <see cref="EvidenceBatchError"/>.</summary>
    public const string ErrorHeader = "oracle-rejection-error";

    /// <summary>Header with the reason.</summary>
    public const string ReasonHeader = "oracle-rejection-reason";

    /// <summary>Header naming the collector process.</summary>
    public const string ConsumerHeader = "oracle-rejection-consumer";

    private readonly Uri _address = new($"exchange:{options.Value.RejectedQueue}");

    /// <summary>Sends the refused batch to the queue (returns when the broker confirmed it).</summary>
    public async Task KeepAsync(ISendEndpointProvider sender, EvidenceBatch batch, EvidenceBatchRejected rejection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(rejection);
        var endpoint = await sender.GetSendEndpoint(_address);
        await endpoint.Send(batch, send =>
        {
            send.Durable = true;
            send.Headers.Set(ErrorHeader, rejection.Error.ToString());
            send.Headers.Set(ReasonHeader, rejection.Reason);
            send.Headers.Set(ConsumerHeader, rejection.Consumer);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var name = options.Value.RejectedQueue;
        var factory = new ConnectionFactory { Uri = new Uri(bus.Value.Url!), ClientProvidedName = "evidence-collector topology" };
        await using var connection = await factory.CreateConnectionAsync(BusEndpoints.Of(bus.Value), cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await channel.ExchangeDeclareAsync(name, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        var arguments = options.Value.UsesQuorumQueues(bus.Value) ? new Dictionary<string, object?> { ["x-queue-type"] = "quorum" } : null;
        await channel.QueueDeclareAsync(name, durable: true, exclusive: false, autoDelete: false, arguments, cancellationToken: cancellationToken);
        await channel.QueueBindAsync(name, name, "", cancellationToken: cancellationToken);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
