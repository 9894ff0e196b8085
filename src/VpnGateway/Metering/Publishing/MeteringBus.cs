using MassTransit;

namespace VpnGateway.Metering.Publishing;

/// <summary>The RabbitMQ settings evidence publication depends on.</summary>
internal static class MeteringBus
{
    /// <summary>Connects to <paramref name="amqpUrl"/> with publisher confirmation on.</summary>
    public static void Configure(IRabbitMqBusFactoryConfigurator configurator, string amqpUrl)
    {
        ArgumentNullException.ThrowIfNull(configurator);
        configurator.Host(new Uri(amqpUrl), host =>
        {
            host.PublisherConfirmation = true;
            host.RequestedConnectionTimeout(TimeSpan.FromSeconds(5));
            host.Heartbeat(TimeSpan.FromSeconds(10));
        });
    }
}
