using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Oracle.Chain;
using Oracle.Hosting;
using VpnGateway.Hosting;
using VpnGateway.Metering;
using VpnGateway.Sessions;

namespace VpnGateway.Commands;

/// <summary>Builds and runs the web host around the engine (metrics, health, status) for serve and connect.</summary>
internal static class GatewayHost
{
    public const string EnvironmentPrefix = "VPNGATEWAY_";

    public static async Task<int> RunAsync(GatewayRole role, string? configFile, CancellationToken cancellationToken)
    {
        try
        {
            return await RunHostAsync(role, configFile, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (StartupErrors.IsOperatorError(e))
        {
            return StartupErrors.Report("vpngateway", e);
        }
    }

    private static async Task<int> RunHostAsync(GatewayRole role, string? configFile, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        if (configFile is not null)
        {
            builder.Configuration.AddJsonFile(Path.GetFullPath(configFile), optional: false, reloadOnChange: false);
        }

        builder.Configuration.AddEnvironmentVariables(EnvironmentPrefix);
        var listen = builder.Configuration["Metrics:Listen"] ?? new MetricsSettings().Listen;
        builder.WebHost.UseUrls(string.IsNullOrEmpty(listen) ? "http://127.0.0.1:0" : $"http://{listen}");
        builder.AddOracleServiceDefaults();
        if (builder.Configuration["Keys:EthereumKeystore"] is { Length: > 0 })
        {
            throw new ChainContextException("Keys:EthereumKeystore is now Chain:Keystore (with Chain:PasswordFile): the gateway's Ethereum key is the same setting as every service's");
        }

        // Section Chain, read once: the chain id, the contracts, the Ethereum key (optional: a pinned link without
        // metering needs none of it; metering and the chain directory say what they miss).
        await builder.AddOracleChainAsync(ChainRequirements.None, cancellationToken).ConfigureAwait(false);
        if (builder.Configuration.GetSection(MeteringOptions.Section).Exists())
        {
            // Metering (docs/protocol.md §5): the provider publishes its evidence on the bus (publisher confirms).
            if (!string.IsNullOrEmpty(builder.Configuration["Bus:Url"]))
            {
                builder.AddOracleBus();
            }

            // Before the tunnel: the host stops services in reverse order, so the tunnel ends its sessions (each session's
            // last epoch and voucher) while metering and the bus still run.
            builder.AddMetering();
        }

        builder.AddVpnGateway(role);

        await using var app = builder.Build();
        app.MapOracleDefaultEndpoints();
        app.MapGatewayStatus();
        var gateway = app.Services.GetRequiredService<GatewayHostedService>();

        // prometheus-net starts listening to System.Diagnostics.Metrics meters at its first collection: without this,
        // what the counters record before the first scrape (a cut-off, a rejected voucher) would never be exported.
        await Prometheus.Metrics.DefaultRegistry.CollectAndExportAsTextAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
        await app.RunAsync(cancellationToken).ConfigureAwait(false);
        return gateway.ExitCode;
    }
}
