using MassTransit;
using Oracle.Core.Evidence;

namespace VpnGateway.Metering.Publishing;

/// <summary>
/// Publishes evidence batches with MassTransit over RabbitMQ: durable, with the batch id as message id, and
/// <c>mandatory</c>, so a batch no queue takes (no consumer bound yet) is returned and fails rather than vanishing.
/// The bus must have publisher confirmation on (Oracle.Hosting's <c>AddOracleBus</c> does): the task then completes on
/// the broker's ack. Each batch names this gateway's durable acknowledgement queue as its response address
/// (<c>queue:&lt;name&gt;</c>, resolved on the consumer's own broker connection), where the collector answers with
/// <see cref="EvidenceBatchAccepted"/> or <see cref="EvidenceBatchRejected"/>; the queue is bound to nothing else, so
/// it receives only the answers meant for this gateway.
/// </summary>
internal sealed class MassTransitEvidenceBus(IBus bus, string acknowledgementQueue) : IEvidenceBus
{
    private readonly Uri _responseAddress = new($"queue:{acknowledgementQueue}");
    private HostReceiveEndpointHandle? _endpoint;

    public async Task<IAsyncDisposable> ListenAsync(IEvidenceAcknowledgementHandler handler, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);

        // Connected once: a caller that gave up waiting (the broker was away) waits for the same endpoint again.
        var endpoint = _endpoint ??= bus.ConnectReceiveEndpoint(acknowledgementQueue, configurator =>
        {
            configurator.ConfigureConsumeTopology = false;
            configurator.Handler<EvidenceBatchAccepted>(context =>
            {
                handler.OnAccepted(context.Message);
                return Task.CompletedTask;
            });
            configurator.Handler<EvidenceBatchRejected>(context =>
            {
                handler.OnRejected(context.Message);
                return Task.CompletedTask;
            });
        });
        await endpoint.Ready.WaitAsync(cancellationToken);
        return new Listening(this, endpoint);
    }

    public Task PublishAsync(EvidenceBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return bus.Publish(batch, context =>
        {
            context.MessageId = batch.BatchId;
            context.Durable = true;
            context.ResponseAddress = _responseAddress;
            if (context.TryGetPayload<RabbitMqSendContext>(out var rabbit))
            {
                rabbit.Mandatory = true;
                rabbit.AwaitAck = true;
            }
        }, cancellationToken);
    }

    private sealed class Listening(MassTransitEvidenceBus owner, HostReceiveEndpointHandle endpoint) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            owner._endpoint = null;
            await endpoint.StopAsync(CancellationToken.None);
        }
    }
}
