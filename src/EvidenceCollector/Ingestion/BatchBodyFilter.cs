using System.Runtime.Serialization;
using MassTransit;

namespace EvidenceCollector.Ingestion;

/// <summary>
/// Guards the receive pipe before a message is read: a body larger than the limit is refused unread, and a body that
/// cannot be read as a batch (truncated, not JSON, not a batch) is counted; both end in the endpoint's error queue with
/// the reason in the fault headers (nothing is dropped), and the consumer goes on with the next message.
/// </summary>
internal sealed class BatchBodyFilter(int maxBytes, CollectorMetrics metrics) : IFilter<ReceiveContext>
{
    /// <inheritdoc />
    public async Task Send(ReceiveContext context, IPipe<ReceiveContext> next)
    {
        var length = context.Body.Length;
        if (length is { } bytes && bytes > maxBytes)
        {
            metrics.Add(CollectorCounters.MessagesMalformed, reason: "oversized");
            throw new BatchTooLargeException($"a message of {bytes} bytes is larger than Ingestion:MaxBatchBytes ({maxBytes}); moved to the error queue unread");
        }

        try
        {
            await next.Send(context);
        }
        catch (SerializationException)
        {
            metrics.Add(CollectorCounters.MessagesMalformed, reason: "unreadable");
            throw;
        }
    }

    /// <inheritdoc />
    public void Probe(ProbeContext context) => context.CreateFilterScope("evidenceBatchBody");
}
