using System.Numerics;
using Nethereum.Contracts;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.RPC.Eth.DTOs;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.PriceFeed;
using Oracle.Chain.Contracts.ProviderRegistry;
using Oracle.Chain.Deployment;
using Oracle.Chain.Keys;
using Oracle.Chain.Randomness;
using Oracle.Core.Randomness;

namespace Oracle.Testing;

/// <summary>
/// A freshly deployed Oracle network (every contract, wired as the devnet wires it, with a fresh VRF key) on a test
/// chain, with helpers to create funded actors: clients, providers, oracles. Every actor is a new random account, so
/// tests never share nonces with other test processes on the same chain. The one network builder of the test projects
/// (the shared, deploy-once network of a test process is <see cref="DeployedNetwork"/>).
/// </summary>
public sealed class TestNetwork
{
    private static readonly Lazy<Task<TestNetwork>> Shared = new(AttachSharedAsync);
    private readonly List<ChainActor> _priceOracles = [];
    private readonly VrfFulfiller? _fulfiller;
    private ulong _fulfilledUpTo;

    private TestNetwork(ChainFixture chain, DeploymentManifest manifest, ChainActor deployer, NetworkParameters parameters, VrfKey? vrfKey)
    {
        Chain = chain;
        Manifest = manifest;
        Deployer = deployer;
        Parameters = parameters;
        VrfKey = vrfKey;
        if (vrfKey is not null && manifest.Contracts.TryGetValue(ContractNames.VrfCoordinator, out var coordinator))
        {
            _fulfiller = new VrfFulfiller(deployer.Web3, coordinator.Address, vrfKey, manifest.AddressOf(ContractNames.RandomnessSource));
            _fulfilledUpTo = coordinator.BlockNumber;
        }
    }

    public ChainFixture Chain { get; }

    public DeploymentManifest Manifest { get; }

    public ChainActor Deployer { get; }

    public NetworkParameters Parameters { get; }

    /// <summary>The proving key of the network's LocalVrfCoordinator (a fresh one per network), or null without one.</summary>
    public VrfKey? VrfKey { get; }

    /// <summary>The staked oracles that keep the prices fresh (they can be drawn as jurors too).</summary>
    public IReadOnlyList<ChainActor> PriceOracles => _priceOracles;

    /// <summary>Deploys and wires every contract on <paramref name="chain"/> from a fresh, funded deployer.</summary>
    /// <param name="chain">The chain.</param>
    /// <param name="parameters">The network's parameters (the devnet's by default).</param>
    /// <param name="priceOracles">
    /// Whether the network stakes <see cref="NetworkParameters.FeedQuorum"/> price oracles of its own that keep prices
    /// fresh; without them every staked account is the test's (its prices must then stay valid on their own).
    /// </param>
    /// <param name="vrfSecret">The LocalVrfCoordinator's proving key (a fresh one when null), for a test that hands it to a node.</param>
    public static async Task<TestNetwork> DeployAsync(ChainFixture chain, NetworkParameters? parameters = null, bool priceOracles = true, byte[]? vrfSecret = null)
    {
        ArgumentNullException.ThrowIfNull(chain);
        parameters ??= NetworkParameters.Devnet;
        // A fresh VRF key per network, as the devnet makes one per run: nobody but this test holds it.
        VrfKey? vrfKey = null;
        if (parameters is { Randomness: RandomnessKind.Vrf, VrfCoordinator: null })
        {
            vrfKey = VrfKey.FromSecret(vrfSecret ?? System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            parameters = parameters with { LocalVrfPublicKey = vrfKey.PublicKey };
        }

        var (key, web3) = await chain.NewAccountAsync(1_000_000);
        var manifest = await OracleNetworkDeployer.DeployAsync(web3, "test", parameters);
        var network = new TestNetwork(chain, manifest, new ChainActor(key, web3, manifest), parameters, vrfKey);
        // The price reporters buy their stake while the genesis price is fresh; later they keep prices fresh.
        for (var i = 0; priceOracles && i < parameters.FeedQuorum; i++)
        {
            network._priceOracles.Add(await network.NewOracleAsync(5000));
        }

        return network;
    }

    /// <summary>
    /// The test process's shared network (<see cref="DeployedNetwork"/>, the one services are configured with) driven
    /// as a test network: its deployer, the devnet's parameters, the development VRF key it was deployed with, and
    /// price oracles of its own that keep the prices fresh (staked on first use, once per process).
    /// </summary>
    public static Task<TestNetwork> SharedAsync() => Shared.Value;

    public string AddressOf(string contract) => Manifest.AddressOf(contract);

    private static async Task<TestNetwork> AttachSharedAsync()
    {
        var shared = await DeployedNetwork.GetAsync();
        var chain = await ChainFixture.ForAsync(shared.RpcUrl);
        var deployer = new ChainActor(shared.DeployerKey, await chain.ConnectAsync(shared.DeployerKey), shared.Manifest);
        var network = new TestNetwork(chain, shared.Manifest, deployer, NetworkParameters.Devnet, DevelopmentKeys.Vrf());
        for (var i = 0; i < network.Parameters.FeedQuorum; i++)
        {
            network._priceOracles.Add(await network.NewOracleAsync(5000));
        }

        return network;
    }

    /// <summary>
    /// The randomness duty an oracle node runs (docs/protocol.md §7.4): answers every pending VRF request that has its
    /// confirmations. Nothing to do on a network without a LocalVrfCoordinator.
    /// </summary>
    /// <returns>How many requests were answered.</returns>
    public async Task<int> FulfillRandomnessAsync()
    {
        if (_fulfiller is null)
        {
            return 0;
        }

        var pass = await _fulfiller.FulfillPendingAsync(_fulfilledUpTo);
        _fulfilledUpTo = pass.NextFromBlock;
        return pass.Answered.Count;
    }

    /// <summary>A new account with ETH and, when asked, VPN tokens bought from the exchange.</summary>
    public async Task<ChainActor> NewActorAsync(long vpn = 0, decimal ether = 10_000)
    {
        var (key, web3) = await Chain.NewAccountAsync(ether);
        var actor = new ChainActor(key, web3, Manifest);
        if (vpn > 0)
        {
            await BuyAsync(actor, VpnUnits.Tokens(vpn));
        }

        return actor;
    }

    /// <summary>Buys at least <paramref name="amount"/> VPN for <paramref name="actor"/> at the current price.</summary>
    public async Task BuyAsync(ChainActor actor, BigInteger amount)
    {
        await EnsureFreshPricesAsync();
        var (_, price, _, _, _) = await LatestAsync(actor.VpnEthFeed);
        // wei = amount * price / 1e18, plus the fee and a margin for rounding.
        var wei = (amount * price / VpnUnits.One) * 10_000 / (10_000 - Parameters.ExchangeFeeBps) + 1_000_000;
        await actor.Exchange.BuyWithEthAsync(amount, wei);
    }

    /// <summary>Approves <paramref name="spender"/> to take <paramref name="amount"/> of the actor's VPN.</summary>
    public static Task ApproveAsync(ChainActor actor, string spender, BigInteger amount)
        => actor.Token.ApproveAsync(spender, amount);

    /// <summary>Reports the current prices again when the latest round is about to go stale.</summary>
    public async Task EnsureFreshPricesAsync()
    {
        var now = await Chain.LatestTimestampAsync();
        var (_, _, _, updatedAt, _) = await LatestAsync(Deployer.VpnEthFeed);
        var maxAge = (ulong)Parameters.MaxPriceAge.TotalSeconds;
        if ((ulong)updatedAt + maxAge > now + 60)
        {
            return;
        }

        await ReportPricesAsync(Parameters.GenesisVpnEthPrice, Parameters.GenesisBtcEthPrice);
    }

    /// <summary>Has the network's price oracles (created on first use) finalize a round on both feeds.</summary>
    public async Task ReportPricesAsync(BigInteger vpnEth, BigInteger btcEth)
    {
        foreach (var feed in new[] { (Price: vpnEth, Select: (Func<ChainActor, PriceFeedService>)(a => a.VpnEthFeed)), (Price: btcEth, Select: a => a.BtcEthFeed) })
        {
            var round = await feed.Select(Deployer).LatestRoundQueryAsync() + 1;
            foreach (var oracle in _priceOracles)
            {
                await feed.Select(oracle).ReportAsync(round, feed.Price);
            }
        }
    }

    /// <summary>A new oracle that bought and staked <paramref name="stake"/> VPN.</summary>
    public async Task<ChainActor> NewOracleAsync(long stake)
    {
        var (key, web3) = await Chain.NewAccountAsync(10_000);
        var oracle = new ChainActor(key, web3, Manifest);
        // Buying needs a fresh price; the genesis round serves until the first reports.
        var (_, price, _, updatedAt, _) = await LatestAsync(Deployer.VpnEthFeed);
        var now = await Chain.LatestTimestampAsync();
        if ((ulong)updatedAt + (ulong)Parameters.MaxPriceAge.TotalSeconds <= now + 60 && _priceOracles.Count > 0)
        {
            await ReportPricesAsync(Parameters.GenesisVpnEthPrice, Parameters.GenesisBtcEthPrice);
        }

        var amount = VpnUnits.Tokens(stake);
        var wei = (amount * price / VpnUnits.One) * 10_000 / (10_000 - Parameters.ExchangeFeeBps) + 1_000_000;
        await oracle.Exchange.BuyWithEthAsync(amount, wei);
        await ApproveAsync(oracle, AddressOf(ContractNames.OracleRegistry), amount);
        await oracle.Oracles.StakeAsync(amount);
        return oracle;
    }

    /// <summary>A new provider registered with <paramref name="bond"/> VPN of bond.</summary>
    public async Task<ChainActor> NewProviderAsync(long bond = 1000, long extraVpn = 0, string region = "DE", long pricePerMiB = 1_000_000_000_000)
    {
        var provider = await NewActorAsync(bond + extraVpn);
        await ApproveAsync(provider, AddressOf(ContractNames.ProviderRegistry), VpnUnits.Tokens(bond));
        await provider.Providers.RegisterAsync(ProviderInfo(region, pricePerMiB), VpnUnits.Tokens(bond));
        return provider;
    }

    public static ProviderInfo ProviderInfo(string region = "DE", long pricePerMiB = 1_000_000_000_000, string policy = "policy-v1") => new()
    {
        Endpoint = "198.18.0.1:51820",
        TunnelPublicKey = Nethereum.Util.Sha3Keccack.Current.CalculateHash(System.Text.Encoding.UTF8.GetBytes("tunnel " + region)),
        Region = Region(region),
        PricePerMiB = pricePerMiB,
        PolicyHash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(policy)),
        PolicyUri = "https://policies.example/" + policy + ".json",
    };

    /// <summary>The bytes8 form of a region code.</summary>
    public static byte[] Region(string code)
    {
        var bytes = new byte[8];
        System.Text.Encoding.ASCII.GetBytes(code).CopyTo(bytes, 0);
        return bytes;
    }

    public static async Task<(BigInteger RoundId, BigInteger Answer, BigInteger StartedAt, BigInteger UpdatedAt, BigInteger AnsweredInRound)> LatestAsync(PriceFeedService feed)
    {
        var r = await feed.LatestRoundDataQueryAsync();
        return (r.RoundId, r.Answer, r.StartedAt, r.UpdatedAt, r.AnsweredInRound);
    }

    public static T Event<T>(TransactionReceipt receipt)
        where T : class, Nethereum.ABI.FunctionEncoding.Attributes.IEventDTO, new()
        => Assert.Single(receipt.DecodeAllEvents<T>()).Event;

    public static List<T> Events<T>(TransactionReceipt receipt)
        where T : class, Nethereum.ABI.FunctionEncoding.Attributes.IEventDTO, new()
        => receipt.DecodeAllEvents<T>().Select(e => e.Event).ToList();

    public static byte[] Hex(string hex) => hex.HexToByteArray();
}
