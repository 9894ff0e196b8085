using System.Runtime.Serialization;
using MassTransit;

namespace EvidenceCollector.Ingestion;

/// <summary>
/// Counts, by cause, the messages the collector's endpoint moves to its error queue: too large, unreadable (not a
/// batch), or failed (a store that kept failing after the retries: the gateway publishes the batch again).
/// </summary>
internal sealed class FailedMessageCounter(CollectorMetrics metrics) : IFilter<ExceptionReceiveContext>
{
    /// <inheritdoc />
    public Task Send(ExceptionReceiveContext context, IPipe<ExceptionReceiveContext> next)
    {
        switch (context.Exception)
        {
            case BatchTooLargeException:
                metrics.Add(CollectorCounters.MessagesMalformed, reason: "oversized");
                break;
            case SerializationException:
                metrics.Add(CollectorCounters.MessagesMalformed, reason: "unreadable");
                break;
            default:
                metrics.Add(CollectorCounters.MessagesFailed, reason: context.Exception.GetType().Name);
                break;
        }

        return next.Send(context);
    }

    /// <inheritdoc />
    public void Probe(ProbeContext context) => context.CreateFilterScope("failedMessageCounter");
}
