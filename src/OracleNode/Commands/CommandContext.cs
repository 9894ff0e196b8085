using Microsoft.Extensions.Configuration;
using Oracle.Chain;
using Oracle.Chain.Transactions;
using Oracle.Hosting;
using OracleNode.Hosting;
using OracleNode.Storage;

namespace OracleNode.Commands;

/// <summary>
/// What a command other than <c>run</c> works with: the same configuration as the node (file and environment), the chain
/// context with the node's key, its contracts, and, when asked, its store.
/// </summary>
internal sealed class CommandContext
{
    private CommandContext(IConfiguration configuration, NodeSettings settings, ChainContext chain, NodeChain contracts, INodeStore? store)
    {
        Configuration = configuration;
        Settings = settings;
        Chain = chain;
        Contracts = contracts;
        Store = store;
    }

    public IConfiguration Configuration { get; }

    public NodeSettings Settings { get; }

    public ChainContext Chain { get; }

    public NodeChain Contracts { get; }

    /// <summary>The node's store, when the command asked for it.</summary>
    public INodeStore? Store { get; }

    /// <summary>Reads the configuration and opens the chain (and the store).</summary>
    /// <exception cref="ConfigurationException">A setting is wrong.</exception>
    /// <exception cref="ChainContextException">The chain settings are wrong or the node does not answer.</exception>
    public static async Task<CommandContext> OpenAsync(string? configFile, bool withStore, CancellationToken cancellationToken)
    {
        var configuration = NodeConfiguration.Build(configFile);
        var settings = NodeSettings.Load(configuration);
        ChainOptions options;
        try
        {
            options = configuration.GetSection(ChainOptions.Section).Get<ChainOptions>() ?? new ChainOptions();
        }
        catch (InvalidOperationException e)
        {
            throw new ChainContextException(e.Message, e);
        }

        var chain = await ChainContext.CreateAsync(options, cancellationToken).ConfigureAwait(false);
        chain.RequireOnline("oracle-node reads the contracts");
        chain.RequireSigner("oracle-node signs");
        var contracts = new NodeChain(chain, new TransactionSender(chain, ChainSettings.Transactions(configuration)));
        INodeStore? store = null;
        if (withStore)
        {
            store = NodeStores.Create(configuration, settings);
            await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        return new CommandContext(configuration, settings, chain, contracts, store);
    }
}
