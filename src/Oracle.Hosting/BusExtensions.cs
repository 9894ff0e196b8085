using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Oracle.Hosting;

/// <summary>
/// The message bus every service uses: MassTransit over RabbitMQ (<c>Bus:Url</c>, required), with publisher confirms,
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
                var url = context.GetRequiredService<IOptions<BusOptions>>().Value.Url;
                if (string.IsNullOrEmpty(url))
                {
                    throw new InvalidOperationException("Bus:Url is not set (for example amqp://user:password@127.0.0.1:5672/)");
                }

                rabbit.Host(new Uri(url), host => host.PublisherConfirmation = true);
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
