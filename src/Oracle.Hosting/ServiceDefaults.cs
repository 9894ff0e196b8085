using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Prometheus;

namespace Oracle.Hosting;

/// <summary>
/// What every Oracle service shares: structured console logs (JSON with <c>Logging:Format=json</c>), systemd
/// integration, health checks at <c>/healthz</c> and Prometheus metrics at <c>/metrics</c>. The chain
/// (<see cref="ChainHostingExtensions.AddOracleChainAsync"/>), the database (<c>AddOracleDatabase</c>) and the bus
/// (<see cref="BusExtensions.AddOracleBus"/>) are added by the services that use them.
/// </summary>
public static class ServiceDefaults
{
    /// <summary>Adds logging, systemd integration and health checks to a service.</summary>
    public static TBuilder AddOracleServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Logging.ClearProviders();
        if (string.Equals(builder.Configuration["Logging:Format"], "json", StringComparison.OrdinalIgnoreCase))
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            });
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
                o.ColorBehavior = LoggerColorBehavior.Disabled;
            });
        }

        builder.Services.AddSystemd();
        builder.Services.AddHealthChecks();
        HonorHistogramAdvice();
        return builder;
    }

    private static int _adviceHonored;

    // A .NET histogram created with bucket advice (InstrumentAdvice.HistogramBucketBoundaries, such as the collector's
    // millisecond-scale request timings) is exported with those buckets; every other keeps prometheus-net's default.
    // Once per process: replacing the meter adapter again would drop what the first one listened to.
    private static void HonorHistogramAdvice()
    {
        if (Interlocked.Exchange(ref _adviceHonored, 1) != 0)
        {
            return;
        }

        Metrics.ConfigureMeterAdapter(options =>
        {
            var fallback = options.ResolveHistogramBuckets;
            options.ResolveHistogramBuckets = instrument => instrument switch
            {
                System.Diagnostics.Metrics.Histogram<double> { Advice.HistogramBucketBoundaries: { Count: > 0 } buckets } => [.. buckets],
                _ => fallback(instrument),
            };
        });
    }

    // {"status":"Unhealthy","checks":{"database":{"status":"Unhealthy","description":"database unreachable: ..."}}}: an
    // operator sees which dependency is down without reading logs.
    private static Task WriteHealthAsync(Microsoft.AspNetCore.Http.HttpContext context, Microsoft.Extensions.Diagnostics.HealthChecks.HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        };
        return context.Response.WriteAsync(System.Text.Json.JsonSerializer.Serialize(body), context.RequestAborted);
    }

    /// <summary>Maps <c>/healthz</c> (liveness and readiness of every registered check) and <c>/metrics</c>.</summary>
    public static WebApplication MapOracleDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthChecks("/healthz", new HealthCheckOptions { AllowCachingResponses = false, ResponseWriter = WriteHealthAsync });
        // prometheus-net publishes System.Diagnostics.Metrics meters too, so services instrument with Meter only.
        app.MapMetrics("/metrics");
        // prometheus-net starts listening to .NET meters at its first collection: collect once now, so what a service
        // counts before anyone scraped /metrics is not lost (pushed Counter<T> increments were).
        Metrics.DefaultRegistry.CollectAndExportAsTextAsync(Stream.Null).GetAwaiter().GetResult();
        return app;
    }
}
