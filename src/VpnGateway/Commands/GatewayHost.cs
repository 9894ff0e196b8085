using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Oracle.Chain;
using Oracle.Chain.Keys;
using Oracle.Hosting;
using VpnGateway.Hosting;
using VpnGateway.Metering;
using VpnGateway.Sessions;
using VpnGateway.Settlement;
using Microsoft.Extensions.Logging;

namespace VpnGateway.Commands;

/// <summary>Builds and runs the web host around the engine (metrics, health, status) for serve and connect.</summary>
internal static class GatewayHost
{
    public const string EnvironmentPrefix = "VPNGATEWAY_";

    /// <summary>The exit status of a start refused for the operator's mistake (one line each says what and where).</summary>
    public const int ConfigurationErrorExitCode = StartupErrors.ExitCode;

    public static async Task<int> RunAsync(GatewayRole role, string? configFile, CancellationToken cancellationToken)
    {
        try
        {
            return await RunHostAsync(role, configFile, cancellationToken).ConfigureAwait(false);
        }
        catch (GatewayConfigurationException e)
        {
            foreach (var problem in e.Problems)
            {
                await Console.Error.WriteLineAsync($"vpngateway {Verb(role)}: {problem}").ConfigureAwait(false);
            }

            return ConfigurationErrorExitCode;
        }
        catch (Exception e) when (StartupErrors.IsOperatorError(e))
        {
            return StartupErrors.Report($"vpngateway {Verb(role)}", e);
        }
    }

    private static async Task<int> RunHostAsync(GatewayRole role, string? configFile, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        // Defaults the operator's configuration may override: the scrapes of /metrics and /healthz are not news.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?> { ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning" },
        });
        if (configFile is not null)
        {
            AddConfigurationFile(builder.Configuration, configFile);
        }

        builder.Configuration.AddEnvironmentVariables(EnvironmentPrefix);
        if (builder.Configuration["Keys:EthereumKeystore"] is { Length: > 0 })
        {
            throw new ChainContextException("Keys:EthereumKeystore is now Chain:Keystore (with Chain:PasswordFile): the gateway's Ethereum key is the same setting as every service's");
        }

        // Keys nothing reads (a typo would silently switch a feature off) and values that do not convert: only what the
        // operator wrote, the file and the VPNGATEWAY_ variables, not the host's own defaults and environment.
        var written = new ConfigurationBuilder();
        if (configFile is not null)
        {
            written.AddJsonFile(Path.GetFullPath(configFile), optional: false, reloadOnChange: false);
        }

        var unknown = GatewayConfigurationSchema.Create().Check(written.AddEnvironmentVariables(EnvironmentPrefix).Build());
        if (unknown.Count > 0)
        {
            throw new GatewayConfigurationException([.. unknown.Select(p => p.Message)]);
        }

        var config = Bind(builder.Configuration);
        var problems = GatewayConfigurationValidator.Validate(config, role);
        if (problems.Count > 0)
        {
            throw new GatewayConfigurationException(problems);
        }

        var listen = config.Metrics.Listen ?? MetricsSettings.DefaultFor(role);
        if (listen.Length > 0)
        {
            EnsureFree(listen);
        }

        builder.WebHost.UseUrls(listen.Length == 0 ? "http://127.0.0.1:0" : $"http://{listen}");
        builder.AddOracleServiceDefaults();
        // Section Chain, read once: the chain id, the contracts, the Ethereum key (optional: a pinned link without
        // metering needs none of it; metering and the chain directory say what they miss).
        var chain = await builder.AddOracleChainAsync(ChainRequirements.None, cancellationToken).ConfigureAwait(false);
        string? noSettlement = null;
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

            // After metering (it settles from the spool), before the tunnel (its sessions end first when stopping).
            (_, noSettlement) = builder.AddSettlement(role, chain);
        }

        builder.AddVpnGateway(role);

        await using var app = builder.Build();
        if (noSettlement is not null)
        {
            app.Services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>().CreateLogger("VpnGateway.Settlement")
                .LogInformation("sessions are not settled on-chain by this gateway: {Reason}", noSettlement);
        }

        app.MapOracleDefaultEndpoints();
        app.MapGatewayStatus();
        GatewayHostedService gateway;
        try
        {
            gateway = app.Services.GetRequiredService<GatewayHostedService>();
        }
        catch (Exception e) when (e is KeyStoreException or InvalidOperationException or IOException or FormatException or UnauthorizedAccessException
            or Microsoft.Data.Sqlite.SqliteException)
        {
            // Building the services reads keys, the spool and the session terms' settings: a problem there is the operator's.
            throw new GatewayConfigurationException(Innermost(e).Message, e);
        }

        // prometheus-net starts listening to System.Diagnostics.Metrics meters at its first collection: without this,
        // what the counters record before the first scrape (a cut-off, a rejected voucher) would never be exported.
        await Prometheus.Metrics.DefaultRegistry.CollectAndExportAsTextAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
        try
        {
            await app.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e) when (e.InnerException is AddressInUseException)
        {
            throw new GatewayConfigurationException(InUse(listen), e);
        }

        return gateway.ExitCode;
    }

    private static string Verb(GatewayRole role) => role == GatewayRole.Provider ? "serve" : "connect";

    private static void AddConfigurationFile(ConfigurationManager configuration, string configFile)
    {
        var path = Path.GetFullPath(configFile);
        if (!File.Exists(path))
        {
            throw new GatewayConfigurationException($"configuration file {path} does not exist");
        }

        try
        {
            configuration.AddJsonFile(path, optional: false, reloadOnChange: false);
        }
        catch (InvalidDataException e)
        {
            // JsonException (with line and position) or FormatException (a key given twice).
            var cause = e.InnerException ?? e;
            while (cause.InnerException is not null)
            {
                cause = cause.InnerException; // the JsonException says where: "LineNumber: 3 | BytePositionInLine: 0."
            }

            throw new GatewayConfigurationException($"configuration file {path} is not valid JSON: {cause.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new GatewayConfigurationException($"configuration file {path} cannot be read: {e.Message}", e);
        }
    }

    private static GatewayConfiguration Bind(IConfiguration configuration)
    {
        try
        {
            var config = new GatewayConfiguration();
            configuration.Bind(config);
            return config;
        }
        catch (InvalidOperationException e)
        {
            // "Failed to convert configuration value at 'Tunnel:Mtu' to type 'System.Int32'."
            throw new GatewayConfigurationException(e.Message, e);
        }
    }

    /// <summary>Fails with one line when another process holds the metrics address, before anything is set up.</summary>
    private static void EnsureFree(string listen)
    {
        if (!IPEndPoint.TryParse(listen, out var endpoint))
        {
            return; // the validator reported it
        }

        try
        {
            using var probe = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(endpoint);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new GatewayConfigurationException(InUse(listen), e);
        }
        catch (SocketException e)
        {
            throw new GatewayConfigurationException($"Metrics:Listen {listen}: {e.Message}", e);
        }
    }

    private static string InUse(string listen)
        => $"Metrics:Listen {listen} is in use by another process (another gateway on this host? give each its own Metrics:Listen; "
            + $"the defaults are {MetricsSettings.ProviderDefault} for serve and {MetricsSettings.ClientDefault} for connect)";

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null && e is System.Reflection.TargetInvocationException or AggregateException)
        {
            e = e.InnerException;
        }

        return e;
    }
}
