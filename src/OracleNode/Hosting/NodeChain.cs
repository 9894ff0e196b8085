using System.Numerics;
using Oracle.Chain;
using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Chain.Contracts.EvidenceRegistry;
using Oracle.Chain.Contracts.LocalRandomnessSource;
using Oracle.Chain.Contracts.OracleRegistry;
using Oracle.Chain.Contracts.PriceFeed;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Chain.Contracts.TokenExchange;
using Oracle.Chain.Contracts.VpnToken;
using Oracle.Chain.Deployment;
using Oracle.Chain.Transactions;

namespace OracleNode.Hosting;

/// <summary>
/// The node's contracts: read-only services for views, the sender for transactions from the node's key, and the
/// DisputeManager's parameters (fixed at deployment, read once).
/// </summary>
internal sealed class NodeChain
{
    private readonly Lazy<Task<DisputeParameters>> _parameters;

    public NodeChain(ChainContext context, ITransactionSender sender)
    {
        ArgumentNullException.ThrowIfNull(context);
        Context = context;
        Sender = sender;
        Me = sender.Address.ToLowerInvariant();
        var web3 = context.Web3;
        DisputeManagerAddress = context.AddressOf(ContractNames.DisputeManager);
        OracleRegistryAddress = context.AddressOf(ContractNames.OracleRegistry);
        Disputes = new DisputeManagerService(web3, DisputeManagerAddress);
        Oracles = new OracleRegistryService(web3, OracleRegistryAddress);
        Sessions = new SessionManagerService(web3, context.AddressOf(ContractNames.SessionManager));
        Evidence = new EvidenceRegistryService(web3, context.AddressOf(ContractNames.EvidenceRegistry));
        Token = new VpnTokenService(web3, context.AddressOf(ContractNames.VpnToken));
        Exchange = new TokenExchangeService(web3, context.AddressOf(ContractNames.TokenExchange));
        VpnEthFeed = new PriceFeedService(web3, context.AddressOf(ContractNames.PriceFeedVpnEth));
        BtcEthFeed = new PriceFeedService(web3, context.AddressOf(ContractNames.PriceFeedBtcEth));
        Randomness = new LocalRandomnessSourceService(web3, context.AddressOf(ContractNames.RandomnessSource));
        _parameters = new(() => ReadParametersAsync(CancellationToken.None));
    }

    public ChainContext Context { get; }

    /// <summary>Sends every transaction of the node's key (nonces, fees, replacement of stuck transactions).</summary>
    public ITransactionSender Sender { get; }

    /// <summary>The node's address, lower case.</summary>
    public string Me { get; }

    public string DisputeManagerAddress { get; }

    public string OracleRegistryAddress { get; }

    public DisputeManagerService Disputes { get; }

    public OracleRegistryService Oracles { get; }

    public SessionManagerService Sessions { get; }

    public EvidenceRegistryService Evidence { get; }

    public VpnTokenService Token { get; }

    public TokenExchangeService Exchange { get; }

    public PriceFeedService VpnEthFeed { get; }

    public PriceFeedService BtcEthFeed { get; }

    /// <summary>The randomness source (any <c>IRandomnessSource</c>: its <c>status</c> view is what the node reads).</summary>
    public LocalRandomnessSourceService Randomness { get; }

    /// <summary>The DisputeManager's and OracleRegistry's parameters.</summary>
    public Task<DisputeParameters> ParametersAsync(CancellationToken cancellationToken) => _parameters.Value.WaitAsync(cancellationToken);

    private async Task<DisputeParameters> ReadParametersAsync(CancellationToken cancellationToken)
        => new(
            await Disputes.CommitPeriodQueryAsync(null, cancellationToken).ConfigureAwait(false),
            await Disputes.RevealPeriodQueryAsync(null, cancellationToken).ConfigureAwait(false),
            await Disputes.AppealPeriodQueryAsync(null, cancellationToken).ConfigureAwait(false),
            await Disputes.LockPerSeatQueryAsync(null, cancellationToken).ConfigureAwait(false),
            await Oracles.MinStakeQueryAsync(null, cancellationToken).ConfigureAwait(false));
}

/// <summary>Deployment parameters the node's duties depend on.</summary>
internal sealed record DisputeParameters(ulong CommitPeriod, ulong RevealPeriod, ulong AppealPeriod, BigInteger LockPerSeat, BigInteger MinStake)
{
    /// <summary>The evidence cutoff of a round committing until <paramref name="commitDeadline"/> (docs/protocol.md §8.1).</summary>
    public ulong EvidenceCutoff(ulong commitDeadline) => commitDeadline - CommitPeriod / 2;
}
