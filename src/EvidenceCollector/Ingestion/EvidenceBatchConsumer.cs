using MassTransit;
using Oracle.Core.Evidence;

namespace EvidenceCollector.Ingestion;

/// <summary>
/// Consumes <see cref="EvidenceBatch"/> messages (docs/protocol.md §5.4): hands each delivery to the
/// <see cref="GroupCommitter"/>, which decides it with the other deliveries of its group in one transaction, then
/// answers it (<see cref="BatchAnswers"/>). Returning acknowledges the delivery to the broker, so nothing is
/// acknowledged, nor answered, before its group committed; a failure (the database away) is retried by the bus and the
/// batch is not lost. A batch whose predecessor is missing is parked by the committer and acknowledged at once
/// without an answer (it holds no consumer slot; the gateway publishes it again if the park does not store it).
/// </summary>
internal sealed class EvidenceBatchConsumer(GroupCommitter committer, BatchAnswers answers) : IConsumer<EvidenceBatch>
{
    /// <inheritdoc />
    public async Task Consume(ConsumeContext<EvidenceBatch> context)
    {
        var delivery = BatchDelivery.Of(context);
        var outcome = await committer.SubmitAsync(delivery, context.CancellationToken);
        await answers.SendAsync(context, delivery, outcome, context.CancellationToken);
    }
}
