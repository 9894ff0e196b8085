using Oracle.Core.Evidence;

namespace VpnGateway.Metering.Publishing;

/// <summary>
/// Where evidence batches go, and where the collector's answers come from: a publication completes only when the
/// broker has confirmed it (publisher confirms); the collector's <see cref="EvidenceBatchAccepted"/> and
/// <see cref="EvidenceBatchRejected"/> come back on this gateway's acknowledgement queue.
/// </summary>
internal interface IEvidenceBus
{
    /// <summary>Starts receiving the collector's answers (returns once the queue is ready); dispose to stop.</summary>
    Task<IAsyncDisposable> ListenAsync(IEvidenceAcknowledgementHandler handler, CancellationToken cancellationToken);

    /// <summary>Publishes <paramref name="batch"/>, asking for the answer on the acknowledgement queue; throws when the broker did not confirm it.</summary>
    Task PublishAsync(EvidenceBatch batch, CancellationToken cancellationToken);
}
