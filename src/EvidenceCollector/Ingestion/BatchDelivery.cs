using MassTransit;
using Oracle.Core.Evidence;

namespace EvidenceCollector.Ingestion;

/// <summary>A delivered batch and what its answer needs (the answer may be sent after the delivery was acknowledged: a parked batch).</summary>
/// <param name="Batch">The batch.</param>
/// <param name="ResponseAddress">The gateway's acknowledgement address, or null (no answer).</param>
/// <param name="RequestId">The delivery's request id.</param>
/// <param name="ConversationId">Its conversation id.</param>
/// <param name="MessageId">Its message id (the answer's initiator id).</param>
internal sealed record BatchDelivery(EvidenceBatch Batch, Uri? ResponseAddress, Guid? RequestId, Guid? ConversationId, Guid? MessageId)
{
    /// <summary>The delivery of <paramref name="context"/>.</summary>
    public static BatchDelivery Of(ConsumeContext<EvidenceBatch> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new(context.Message, context.ResponseAddress, context.RequestId, context.ConversationId, context.MessageId);
    }
}
