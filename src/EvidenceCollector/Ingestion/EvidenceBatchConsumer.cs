using MassTransit;
using Oracle.Core.Evidence;

namespace EvidenceCollector.Ingestion;

/// <summary>
/// Consumes <see cref="EvidenceBatch"/> messages (docs/protocol.md §5.4): decides each with <see cref="BatchIngestion"/>,
/// keeps a refused batch in the rejected-batches queue, then answers on the batch's response address (the gateway's
/// acknowledgement queue, through its exchange: <see cref="AnswerAddress"/>). Returning acknowledges the delivery to the broker, so nothing is acknowledged, nor answered,
/// before the store committed; a failure (the database away) is retried by the bus and the batch is not lost.
/// </summary>
internal sealed class EvidenceBatchConsumer(BatchIngestion ingestion, RejectedBatchQueue rejected) : IConsumer<EvidenceBatch>
{
    /// <inheritdoc />
    public async Task Consume(ConsumeContext<EvidenceBatch> context)
    {
        var outcome = await ingestion.IngestAsync(context.Message, context.CancellationToken);
        if (outcome.Rejected is { } refusal)
        {
            await rejected.KeepAsync(context, refusal, context.CancellationToken);
        }

        if (context.ResponseAddress is null)
        {
            return;
        }

        var answers = await context.GetSendEndpoint(AnswerAddress.For(context.ResponseAddress));
        if (outcome.Accepted is { } accepted)
        {
            await answers.Send(accepted, answer => AsAnswer(context, answer), context.CancellationToken);
        }
        else if (outcome.Rejected is { } rejection)
        {
            await answers.Send(rejection, answer => AsAnswer(context, answer), context.CancellationToken);
        }
    }

    private static void AsAnswer(ConsumeContext batch, SendContext answer)
    {
        answer.RequestId = batch.RequestId;
        answer.ConversationId = batch.ConversationId;
        answer.InitiatorId = batch.MessageId;
        answer.Durable = true;
    }
}
