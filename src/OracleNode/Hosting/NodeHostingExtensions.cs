using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Oracle.Chain;
using Oracle.Storage;
using OracleNode.Evidence;
using OracleNode.Judging;
using OracleNode.Keeping;
using OracleNode.Prices;
using OracleNode.Status;
using OracleNode.Storage;
using OracleNode.Voting;
using OracleNode.Watching;

namespace OracleNode.Hosting;

/// <summary>Registers the node's parts on the service host (<c>oracle-node run</c>).</summary>
internal static class NodeHostingExtensions
{
    /// <summary>The node: its settings and store, the chain watcher's projection, and its duties.</summary>
    /// <exception cref="Oracle.Hosting.ConfigurationException">A setting is wrong, or no store is configured.</exception>
    public static WebApplicationBuilder AddOracleNode(this WebApplicationBuilder builder, ChainContext chain)
    {
        var settings = NodeSettings.Load(builder.Configuration);
        settings.CheckChain(chain.ChainId);
        var services = builder.Services;
        services.AddSingleton(Options.Create(settings.Node));
        services.AddSingleton(Options.Create(settings.Store));
        services.AddSingleton(Options.Create(settings.Voting));
        services.AddSingleton(Options.Create(settings.Keeper));
        services.AddSingleton(Options.Create(settings.Evidence));
        services.AddSingleton(Options.Create(settings.Prices));
        services.AddSingleton(TimeProvider.System);

        if (NodeStores.UsesPostgres(builder.Configuration))
        {
            // The schema and its migrations, applied before any hosted service starts.
            builder.AddOracleDatabase(NodeStores.Schema, typeof(NodeHostingExtensions).Assembly);
            services.AddSingleton<INodeStore>(sp => new PostgresNodeStore(sp.GetRequiredService<OracleDatabase>()));
        }
        else
        {
            services.AddSingleton<INodeStore>(new SqliteNodeStore(settings.Store.SqlitePath ?? throw NodeStores.MissingStore()));
        }

        // The store's tables (and the watcher's cursor tables) before any of the node's services starts.
        services.AddSingleton<IHostedService, StoreInitializer>();
        // The transaction sender (Chain:Transactions) and the watcher's options (Chain:Watcher) come with the chain context.
        services.AddSingleton<NodeEventHandler>();
        services.AddHostedService<NodeWatcher>();
        services.AddSingleton<NodeChain>();
        services.AddSingleton(sp => new ChainClock(chain.Web3, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<NodeMetrics>();
        services.AddSingleton<NodeProjection>();
        services.AddHttpClient<DocumentFetcher>().ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler { AllowAutoRedirect = false });
        services.AddSingleton<OnChainRecord>();
        services.AddHttpClient<IRecordProver, CollectorRecordProver>().ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler { AllowAutoRedirect = false });
        services.AddSingleton<IJudge, Judge>();
        services.AddSingleton<SeatDuty>();
        services.AddSingleton<KeeperDuty>();
        services.AddSingleton<StatusReader>();
        services.AddSingleton<NodeEngine>();
        services.AddHostedService(sp => sp.GetRequiredService<NodeEngine>());
        services.AddHostedService<AccountMonitor>();
        services.AddHttpClient(nameof(PriceReporter));
        services.AddSingleton<PriceReporter>();
        services.AddHostedService(sp => sp.GetRequiredService<PriceReporter>());
        if (settings.Randomness.VrfKeystore is { } vrfKeystore)
        {
            // The randomness duty (docs/protocol.md §7.4): only where the manifest has a LocalVrfCoordinator.
            if (chain.TryAddressOf(Oracle.Chain.Deployment.ContractNames.VrfCoordinator) is null)
            {
                throw new Oracle.Hosting.ConfigurationException("Randomness:VrfKeystore is set but the manifest names no VrfCoordinator (LocalVrfCoordinator): nothing to answer");
            }

            var key = LoadVrfKey(vrfKeystore, builder.Configuration["Chain:PasswordFile"]);
            services.AddSingleton(key);
            services.AddHostedService<RandomnessDuty>();
        }

        return builder;
    }

    private static Oracle.Core.Randomness.VrfKey LoadVrfKey(string keystore, string? passwordFile)
    {
        try
        {
            return Oracle.Chain.Keys.KeyStoreFile.LoadVrfKeyWithPasswordFile(keystore, passwordFile);
        }
        catch (Oracle.Chain.Keys.KeyStoreException e)
        {
            throw new Oracle.Hosting.ConfigurationException($"Randomness:VrfKeystore {keystore}: {e.GetBaseException().Message}", e);
        }
    }

    /// <summary><c>/status</c>: the same report as <c>oracle-node status --json</c>.</summary>
    public static WebApplication MapNodeStatus(this WebApplication app)
    {
        app.MapGet("/status", async (StatusReader reader, CancellationToken cancellationToken) => Results.Json(await reader.ReadAsync(20, cancellationToken)));
        return app;
    }
}
