using System.Numerics;
using System.Security.Cryptography;
using Nethereum.Contracts;
using Nethereum.Signer;
using Nethereum.Web3;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.PriceFeed;
using Oracle.Chain.Contracts.ProviderRegistry;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Chain.Contracts.TokenExchange;
using Oracle.Chain.Contracts.VpnToken;
using Oracle.Chain.Deployment;
using Oracle.Core.Eip712;
using Oracle.Core.Policy;
using Oracle.Testing;

namespace EvidenceCollector.Tests.Support;

/// <summary>
/// Real sessions on the shared test network (<see cref="DeployedNetwork"/>): providers registered with a bond bought at
/// the exchange, clients opening sessions with them, each from a fresh funded account.
/// </summary>
internal sealed class ChainSessions
{
    public static readonly BigInteger Token = BigInteger.Pow(10, 18);

    private ChainSessions(DeploymentManifest manifest, string manifestPath, ChainFixture chain)
    {
        Manifest = manifest;
        ManifestPath = manifestPath;
        Chain = chain;
    }

    public DeploymentManifest Manifest { get; }

    /// <summary>The manifest's file (<c>Chain:Manifest</c>).</summary>
    public string ManifestPath { get; }

    public ChainFixture Chain { get; }

    public ulong ChainId => (ulong)Chain.ChainId;

    public string SessionManager => Manifest.AddressOf(ContractNames.SessionManager);

    public TypedDataDomain Domain => TypedDataDomain.SessionManager(Chain.ChainId, SessionManager);

    /// <summary>Sessions on the shared test network.</summary>
    public static async Task<ChainSessions> GetAsync()
    {
        var network = await DeployedNetwork.GetAsync();
        return new ChainSessions(network.Manifest, network.ManifestPath, await ChainFixture.ForAsync(network.RpcUrl));
    }

    /// <summary>Sessions on a network of their own with other parameters (short sessions and dispute windows), on the shared chain.</summary>
    public static async Task<ChainSessions> DeployAsync(NetworkParameters parameters)
    {
        var chain = await ChainFixture.ForAsync(await LocalServices.RpcUrlAsync());
        var (_, web3) = await chain.NewAccountAsync(1_000_000);
        var manifest = await OracleNetworkDeployer.DeployAsync(web3, "collector-test", parameters);
        var path = Path.Combine(Directory.CreateTempSubdirectory("oracle-collector-network-").FullName, "network.json");
        manifest.Save(path);
        return new ChainSessions(manifest, path, chain);
    }

    /// <summary>Buys <paramref name="amount"/> VPN tokens at the exchange for <paramref name="buyer"/>.</summary>
    public async Task BuyAsync(IWeb3 buyer, BigInteger amount)
    {
        var feed = new PriceFeedService(buyer, Manifest.AddressOf(ContractNames.PriceFeedVpnEth));
        var exchange = new TokenExchangeService(buyer, Manifest.AddressOf(ContractNames.TokenExchange));
        var price = (await feed.LatestRoundDataQueryAsync()).Answer;
        var feeBps = await exchange.FeeBpsQueryAsync();
        var wei = (amount * price / Token) * 10_000 / (10_000 - feeBps) + 1_000_000;
        await exchange.BuyWithEthAsync(amount, wei);
    }

    /// <summary>
    /// A new collector key holding the registry's minimum bond in VPN (plus some), in a keystore: the settings a
    /// collector that registers and anchors starts with (<c>Chain:Keystore</c>, <c>Chain:PasswordFile</c>).
    /// </summary>
    public async Task<(EthECKey Key, Dictionary<string, string?> Settings, string Folder)> FundedCollectorAsync()
    {
        var (key, web3) = await Chain.NewAccountAsync();
        await BuyAsync(web3, 1010 * Token);
        var folder = Directory.CreateTempSubdirectory("oracle-collector-key-").FullName;
        var keystore = Path.Combine(folder, "collector.json");
        Oracle.Chain.Keys.KeyStoreFile.Create(keystore, key, "collector password", Oracle.Chain.Keys.KeyStoreCost.Light);
        var password = Path.Combine(folder, "password");
        await File.WriteAllTextAsync(password, "collector password\n");
        return (key, new Dictionary<string, string?> { ["Chain:Keystore"] = keystore, ["Chain:PasswordFile"] = password }, folder);
    }

    /// <summary>A new provider registered with the minimum bond.</summary>
    public async Task<EthECKey> NewProviderAsync()
    {
        var (key, web3) = await Chain.NewAccountAsync();
        var bond = 500 * Token;
        await BuyAsync(web3, bond);
        await new VpnTokenService(web3, Manifest.AddressOf(ContractNames.VpnToken)).ApproveAsync(Manifest.AddressOf(ContractNames.ProviderRegistry), bond);
        await new ProviderRegistryService(web3, Manifest.AddressOf(ContractNames.ProviderRegistry)).RegisterAsync(new ProviderInfo
        {
            Endpoint = "127.0.0.1:51820",
            TunnelPublicKey = RandomNumberGenerator.GetBytes(32),
            Region = "TEST\0\0\0\0"u8.ToArray(),
            PricePerMiB = BigInteger.Pow(10, 15),
            PolicyHash = PolicyDocument.DefaultExit.Hash.ToArray(),
            PolicyUri = "https://provider.example/policy.json",
        }, bond);
        return key;
    }

    /// <summary>A new client opens a session with <paramref name="provider"/>.</summary>
    public async Task<(EthECKey Client, ulong SessionId)> OpenSessionAsync(EthECKey provider)
    {
        var (key, web3) = await Chain.NewAccountAsync();
        var deposit = 10 * Token;
        await BuyAsync(web3, deposit);
        await new VpnTokenService(web3, Manifest.AddressOf(ContractNames.VpnToken)).ApproveAsync(SessionManager, deposit);
        var receipt = await new SessionManagerService(web3, SessionManager).OpenSessionAsync(new OpenParams
        {
            Provider = provider.GetPublicAddress(),
            Deposit = deposit,
            PricePerMiB = BigInteger.Pow(10, 15),
            PolicyHash = PolicyDocument.DefaultExit.Hash.ToArray(),
            Penalty = 0,
            CommitteeSize = 3,
        });
        var opened = receipt.DecodeAllEvents<SessionOpenedEvent>().Single().Event;
        return (key, opened.SessionId);
    }

    /// <summary>A provider with <paramref name="count"/> sessions, each with its signed evidence.</summary>
    public async Task<IReadOnlyList<SessionEvidence>> SessionsAsync(int count)
    {
        var provider = await NewProviderAsync();
        var sessions = new List<SessionEvidence>();
        for (var i = 0; i < count; i++)
        {
            var (client, id) = await OpenSessionAsync(provider);
            sessions.Add(new SessionEvidence(ChainId, SessionManager, id, provider, client));
        }

        return sessions;
    }
}
