using Oracle.Core.Evidence;

namespace VpnGateway.Metering.Publishing;

/// <summary>Where evidence batches go: completes only when the broker has confirmed the batch (publisher confirms).</summary>
internal interface IEvidenceBus
{
    /// <summary>Publishes <paramref name="batch"/>; throws when the broker did not confirm it.</summary>
    Task PublishAsync(EvidenceBatch batch, CancellationToken cancellationToken);
}
