using MassTransit;
using Oracle.Core.Evidence;

namespace Oracle.Hosting;

/// <summary>
/// The wire names of the messages the services exchange, pinned so that renaming or moving a .NET type never changes
/// the RabbitMQ exchanges a deployed gateway publishes to (docs/protocol.md §5.4). The message type URN in each
/// envelope (<c>urn:message:Oracle.Core.Evidence:EvidenceBatch</c>) is MassTransit's name of the type; a test pins it too.
/// </summary>
public static class BusTopology
{
    /// <summary>The exchange of <see cref="EvidenceBatch"/> messages (the gateways publish here; collectors bind their queue).</summary>
    public const string EvidenceBatchExchange = "oracle.evidence-batch";

    /// <summary>The exchange of <see cref="EvidenceBatchAccepted"/> (normally sent straight to a gateway's acknowledgement queue).</summary>
    public const string EvidenceBatchAcceptedExchange = "oracle.evidence-batch-accepted";

    /// <summary>The exchange of <see cref="EvidenceBatchRejected"/> (normally sent straight to a gateway's acknowledgement queue).</summary>
    public const string EvidenceBatchRejectedExchange = "oracle.evidence-batch-rejected";

    /// <summary>Applies the pinned names to a bus.</summary>
    public static void Apply(IBusFactoryConfigurator bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.Message<EvidenceBatch>(m => m.SetEntityName(EvidenceBatchExchange));
        bus.Message<EvidenceBatchAccepted>(m => m.SetEntityName(EvidenceBatchAcceptedExchange));
        bus.Message<EvidenceBatchRejected>(m => m.SetEntityName(EvidenceBatchRejectedExchange));
    }
}
