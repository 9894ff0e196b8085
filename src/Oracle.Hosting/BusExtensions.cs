using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Oracle.Hosting;

/// <summary>
/// The message bus every service uses: MassTransit over RabbitMQ (<c>Bus:Url</c>, required; <c>Bus:Nodes</c> for the
/// other nodes of a cluster), with publisher confirms,
/// durable queues and persistent messages (MassTransit's defaults, stated here so nobody turns them off), kebab-case
/// endpoint names, the pinned exchange names of <see cref="BusTopology"/>, and retries with exponential backoff of
/// transient failures only (<see cref="TransientErrors"/>): anything else goes to the endpoint's error queue at once.
/// </summary>
public static class BusExtensions
{
    /// <summary>
    /// Adds the bus; <paramref name="configure"/> registers the service's consumers. A missing <c>Bus:Url</c> fails the
    /// start (options validation) instead of leaving a service healthy and idle.
    /// </summary>
    public static TBuilder AddOracleBus<TBuilder>(this TBuilder builder, Action<IBusRegistrationConfigurator>? configure = null)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<BusOptions>()
            .Bind(builder.Configuration.GetSection(BusOptions.Section))
            .Validate(o => !string.IsNullOrWhiteSpace(o.Url), "Bus:Url is not set (for example amqp://user:password@127.0.0.1:5672/)")
            .Validate(o => string.IsNullOrWhiteSpace(o.Url) || (Uri.TryCreate(o.Url, UriKind.Absolute, out var u) && u.Scheme is "amqp" or "amqps"), "Bus:Url is not an amqp:// or amqps:// URL")
            .Validate(o => o.Nodes.All(BusEndpoints.IsNode), "Bus:Nodes: each entry is host:port (a RabbitMQ cluster's other nodes)")
            .ValidateOnStart();
        // The host's start waits for the broker (and fails after the timeout): a service whose broker is not there does
        // not start healthy and idle.
        builder.Services.Configure<MassTransitHostOptions>(o =>
        {
            o.WaitUntilStarted = true;
            o.StartTimeout = TimeSpan.FromSeconds(30);
            o.StopTimeout = TimeSpan.FromSeconds(30);
        });
        builder.Services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            configure?.Invoke(bus);
            bus.UsingRabbitMq((context, rabbit) =>
            {
                var options = context.GetRequiredService<IOptions<BusOptions>>().Value;
                if (string.IsNullOrEmpty(options.Url))
                {
                    throw new InvalidOperationException("Bus:Url is not set (for example amqp://user:password@127.0.0.1:5672/)");
                }

                var url = new Uri(options.Url);
                rabbit.Host(url, host =>
                {
                    host.PublisherConfirmation = true;
                    if (options.Nodes.Count > 0)
                    {
                        // A cluster: connect to the first node that answers, and fail over to the others.
                        host.UseCluster(cluster =>
                        {
                            foreach (var endpoint in BusEndpoints.Of(options))
                            {
                                cluster.Node($"{endpoint.HostName}:{endpoint.Port}");
                            }
                        });
                    }
                });
                rabbit.Durable = true;
                BusTopology.Apply(rabbit);
                rabbit.UseMessageRetry(retry =>
                {
                    retry.Exponential(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200));
                    retry.Handle<Exception>(TransientErrors.IsTransient);
                });
                rabbit.ConfigureEndpoints(context);
            });
        });
        return builder;
    }
}
