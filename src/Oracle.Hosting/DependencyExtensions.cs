using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Oracle.Hosting;

/// <summary>
/// Wires the infrastructure a service declares it uses: each configured dependency gets its client and a health check
/// (so <c>/healthz</c> says what is unreachable), and the chain identity is checked once at start, so a service with a
/// wrong keystore password or a manifest for another chain stops at once with a clear message.
/// </summary>
public static class DependencyExtensions
{
    /// <summary>Registers the dependencies in <paramref name="dependencies"/> that are configured.</summary>
    public static TBuilder AddOracleDependencies<TBuilder>(this TBuilder builder, OracleDependencies dependencies)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var checks = builder.Services.AddHealthChecks();
        var configuration = builder.Configuration;
        if (dependencies.HasFlag(OracleDependencies.Chain) && !string.IsNullOrEmpty(configuration[$"{ChainOptions.Section}:RpcUrl"]))
        {
            builder.Services.AddSingleton<ChainIdentity>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<ChainIdentity>());
            checks.AddCheck<ChainHealthCheck>("chain", HealthStatus.Unhealthy, ["ready"]);
        }

        if (dependencies.HasFlag(OracleDependencies.Database) && configuration[$"{DatabaseOptions.Section}:ConnectionString"] is { Length: > 0 } connectionString)
        {
            builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
            checks.AddCheck<DatabaseHealthCheck>("database", HealthStatus.Unhealthy, ["ready"]);
        }

        // MassTransit registers its own bus health check ("masstransit-bus").
        if (dependencies.HasFlag(OracleDependencies.Bus) && !string.IsNullOrEmpty(configuration[$"{BusOptions.Section}:Url"]))
        {
            builder.AddOracleBus();
        }

        return builder;
    }
}
