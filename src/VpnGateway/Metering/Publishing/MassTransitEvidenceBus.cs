using MassTransit;
using Oracle.Core.Evidence;

namespace VpnGateway.Metering.Publishing;

/// <summary>
/// Publishes evidence batches with MassTransit over RabbitMQ: durable, with the batch id as message id, and
/// <c>mandatory</c>, so a batch no queue takes (no consumer bound yet) is returned and fails rather than vanishing.
/// The bus must have publisher confirmation on (Oracle.Hosting's <c>AddOracleBus</c> does): the task then completes on the broker's ack.
/// </summary>
internal sealed class MassTransitEvidenceBus(IPublishEndpoint publishEndpoint) : IEvidenceBus
{
    public Task PublishAsync(EvidenceBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return publishEndpoint.Publish(batch, context =>
        {
            context.MessageId = batch.BatchId;
            context.Durable = true;
            if (context.TryGetPayload<RabbitMqSendContext>(out var rabbit))
            {
                rabbit.Mandatory = true;
                rabbit.AwaitAck = true;
            }
        }, cancellationToken);
    }
}
