using Oracle.Core.Evidence;

namespace VpnGateway.Metering.Publishing;

/// <summary>Takes the collector's answers to published batches (the <see cref="EvidencePublisher"/>).</summary>
internal interface IEvidenceAcknowledgementHandler
{
    /// <summary>The collector holds the batch.</summary>
    void OnAccepted(EvidenceBatchAccepted accepted);

    /// <summary>The collector refused the batch.</summary>
    void OnRejected(EvidenceBatchRejected rejected);
}
