using MassTransit;

namespace EvidenceCollector.Ingestion;

/// <summary>
/// Answers a decided delivery: a refused batch is kept in the rejected-batches queue, then Accepted or Rejected goes to
/// the batch's response address (the gateway's acknowledgement queue, through its exchange: <see cref="AnswerAddress"/>).
/// Called only after the decision committed.
/// </summary>
internal sealed class BatchAnswers(RejectedBatchQueue rejected)
{
    /// <summary>Sends what <paramref name="outcome"/> says through <paramref name="sender"/> (returns when the broker confirmed it).</summary>
    public async Task SendAsync(ISendEndpointProvider sender, BatchDelivery delivery, IngestionOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Rejected is { } refusal)
        {
            await rejected.KeepAsync(sender, delivery.Batch, refusal, cancellationToken);
        }

        if (delivery.ResponseAddress is null || outcome.IsDeferred)
        {
            return;
        }

        var answers = await sender.GetSendEndpoint(AnswerAddress.For(delivery.ResponseAddress));
        if (outcome.Accepted is { } accepted)
        {
            await answers.Send(accepted, answer => AsAnswer(delivery, answer), cancellationToken);
        }
        else if (outcome.Rejected is { } rejection)
        {
            await answers.Send(rejection, answer => AsAnswer(delivery, answer), cancellationToken);
        }
    }

    private static void AsAnswer(BatchDelivery batch, SendContext answer)
    {
        answer.RequestId = batch.RequestId;
        answer.ConversationId = batch.ConversationId;
        answer.InitiatorId = batch.MessageId;
        answer.Durable = true;
    }
}
