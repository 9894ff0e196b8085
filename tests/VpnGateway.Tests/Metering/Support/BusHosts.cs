using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Oracle.Hosting;

namespace VpnGateway.Tests.Metering.Support;

/// <summary>Hosts with the services' own bus wiring (<c>AddOracleBus</c>: publisher confirms, durable).</summary>
internal static class BusHosts
{
    /// <summary>A bus host; with <paramref name="inbox"/>, a consumer on its own durable queue <paramref name="queue"/>.</summary>
    public static IHost Create(string amqpUrl, string? queue = null, EvidenceInbox? inbox = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Bus:Url"] = amqpUrl;
        builder.Services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
        if (inbox is not null)
        {
            builder.Services.AddSingleton(inbox);
        }

        builder.AddOracleBus(bus =>
        {
            if (queue is not null)
            {
                bus.AddConsumer<EvidenceInbox.Consumer>().Endpoint(e => e.Name = queue);
            }
        });
        return builder.Build();
    }
}
