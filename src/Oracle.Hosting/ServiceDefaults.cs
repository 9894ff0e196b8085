using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Prometheus;

namespace Oracle.Hosting;

/// <summary>
/// What every Oracle service shares: structured console logs (JSON with <c>Logging:Format=json</c>), systemd
/// integration, health checks at <c>/healthz</c>, Prometheus metrics at <c>/metrics</c>, and the common options.
/// </summary>
public static class ServiceDefaults
{
    /// <summary>Adds logging, health checks, metrics and the shared options to a service.</summary>
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
        builder.Services.AddOptions<ChainOptions>().Bind(builder.Configuration.GetSection(ChainOptions.Section));
        builder.Services.AddOptions<BusOptions>().Bind(builder.Configuration.GetSection(BusOptions.Section));
        builder.Services.AddOptions<DatabaseOptions>().Bind(builder.Configuration.GetSection(DatabaseOptions.Section));
        return builder;
    }

    /// <summary>Maps <c>/healthz</c> (liveness and readiness of every registered check) and <c>/metrics</c>.</summary>
    public static WebApplication MapOracleDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthChecks("/healthz", new HealthCheckOptions { AllowCachingResponses = false });
        // prometheus-net publishes System.Diagnostics.Metrics meters too, so services instrument with Meter only.
        app.MapMetrics("/metrics");
        return app;
    }
}
