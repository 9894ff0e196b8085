using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Oracle.Hosting;

/// <summary>
/// The message bus every service uses: MassTransit over RabbitMQ (<c>Bus:Url</c>), with publisher confirms, durable
/// queues and persistent messages (MassTransit's defaults, stated here so nobody turns them off), kebab-case endpoint
/// names and retries with exponential backoff before a message goes to the error queue.
/// </summary>
public static class BusExtensions
{
    /// <summary>Adds the bus; <paramref name="configure"/> registers the service's consumers.</summary>
    public static TBuilder AddOracleBus<TBuilder>(this TBuilder builder, Action<IBusRegistrationConfigurator>? configure = null)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<BusOptions>().Bind(builder.Configuration.GetSection(BusOptions.Section));
        builder.Services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            configure?.Invoke(bus);
            bus.UsingRabbitMq((context, rabbit) =>
            {
                var url = context.GetRequiredService<IOptions<BusOptions>>().Value.Url;
                if (string.IsNullOrEmpty(url))
                {
                    throw new InvalidOperationException("Bus:Url is not set (for example amqp://user:password@127.0.0.1:5672/)");
                }

                rabbit.Host(new Uri(url), host => host.PublisherConfirmation = true);
                rabbit.Durable = true;
                rabbit.UseMessageRetry(retry => retry.Exponential(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200)));
                rabbit.ConfigureEndpoints(context);
            });
        });
        return builder;
    }
}
