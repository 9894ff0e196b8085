using System.Numerics;
using System.Security.Cryptography;
using Nethereum.RPC.Eth.DTOs;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.ProviderRegistry;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Chain.Deployment;
using Oracle.Chain.Keys;
using Oracle.Core.Policy;
using Oracle.Core.Randomness;
using Oracle.Testing;

namespace OracleNode.Tests.Support;

/// <summary>
/// An Oracle network deployed for one test class on the node tests' private chain, with helpers for the parties: funded
/// accounts, oracles that stake, a provider with a policy, sessions. Prices stay valid for the whole test (a long
/// <c>MaxPriceAge</c>), so nobody but the nodes under test reports prices and every staked account is a node under test.
/// </summary>
internal sealed class TestWorld
{
    public const string Password = "oracle node test password";

    private TestWorld(TestNetwork network, string manifestPath, DirectoryInfo folder)
    {
        Network = network;
        ManifestPath = manifestPath;
        Folder = folder;
    }

    /// <summary>The deployed network (Oracle.Testing), without price oracles of its own.</summary>
    public TestNetwork Network { get; }

    public ChainFixture Chain => Network.Chain;

    public DeploymentManifest Manifest => Network.Manifest;

    public string ManifestPath { get; }

    public NetworkParameters Parameters => Network.Parameters;

    public Party Deployer => Network.Deployer;

    /// <summary>Where keystores, configurations, stores and logs of this world go.</summary>
    public DirectoryInfo Folder { get; }

    /// <summary>
    /// The test networks' parameters: long phases the tests walk through by moving the chain's clock (so a busy
    /// machine never makes a node miss a deadline), prices that do not go stale, a quorum of one price report.
    /// </summary>
    public static NetworkParameters TestParameters => NetworkParameters.Devnet with
    {
        MaxPriceAge = TimeSpan.FromDays(3650),
        PriceJumpDelay = TimeSpan.FromMinutes(30),
        FeedRoundTimeout = TimeSpan.FromMinutes(30),
        FeedQuorum = 1,
        CommitPeriod = TimeSpan.FromMinutes(20),
        RevealPeriod = TimeSpan.FromMinutes(20),
        AppealPeriod = TimeSpan.FromMinutes(20),
        DrawingPeriod = TimeSpan.FromMinutes(20),
    };

    public static async Task<TestWorld> DeployAsync(NetworkParameters? parameters = null, ChainFixture? chain = null)
    {
        chain ??= await ChainFixture.ForAsync(await LocalServices.RpcUrlAsync());
        // A fresh VRF proving key per network, as the devnet makes one: the nodes answer the draws with it, from a keystore.
        var vrfSecret = NewVrfSecret();
        var network = await TestNetwork.DeployAsync(chain, parameters ?? TestParameters, priceOracles: false, vrfSecret: vrfSecret);
        var folder = Directory.CreateTempSubdirectory("oracle-node-test-");
        var path = Path.Combine(folder.FullName, "manifest.json");
        network.Manifest.Save(path);
        await File.WriteAllTextAsync(Path.Combine(folder.FullName, "password"), Password + "\n");
        KeyStoreFile.Create(Path.Combine(folder.FullName, "vrf.json"), new Nethereum.Signer.EthECKey(vrfSecret, isPrivate: true), Password, KeyStoreCost.Light);
        return new TestWorld(network, path, folder);
    }

    public string AddressOf(string contract) => Manifest.AddressOf(contract);

    public string PasswordFile => Path.Combine(Folder.FullName, "password");

    /// <summary>The keystore of the network's VRF proving key (the nodes' randomness duty, <c>Randomness:VrfKeystore</c>).</summary>
    public string VrfKeystore => Path.Combine(Folder.FullName, "vrf.json");

    // 32 random bytes that are a secp256k1 key (the keystore's format) and a non-zero BN254 scalar.
    private static byte[] NewVrfSecret()
    {
        var order = BigInteger.Parse("115792089237316195423570985008687907852837564279074904382605163141518161494337", System.Globalization.CultureInfo.InvariantCulture);
        while (true)
        {
            var secret = RandomNumberGenerator.GetBytes(32);
            var value = new BigInteger(secret, isUnsigned: true, isBigEndian: true);
            if (!value.IsZero && value < order && !(value % Bn254.R).IsZero)
            {
                return secret;
            }
        }
    }

    /// <summary>A new account with ETH and, when asked, VPN bought at the exchange.</summary>
    public Task<Party> NewPartyAsync(long vpn = 0, decimal ether = 10_000) => Network.NewActorAsync(vpn, ether);

    /// <summary>A new oracle that bought and staked <paramref name="stake"/> VPN, with its key in a keystore file for a node.</summary>
    public async Task<(Party Oracle, string Keystore)> NewOracleAsync(long stake)
    {
        var oracle = await NewPartyAsync(stake);
        await oracle.Token.ApproveAsync(AddressOf(ContractNames.OracleRegistry), Vpn(stake));
        await oracle.Oracles.StakeAsync(Vpn(stake));
        var keystore = Path.Combine(Folder.FullName, $"oracle-{oracle.Address[2..10].ToLowerInvariant()}.json");
        KeyStoreFile.Create(keystore, oracle.Key, Password, KeyStoreCost.Light);
        return (oracle, keystore);
    }

    /// <summary>A provider registered with <paramref name="policy"/> (its hash on-chain) and a bond.</summary>
    public async Task<Party> NewProviderAsync(PolicyDocument policy, long bond = 2000)
    {
        var provider = await NewPartyAsync(bond + 100);
        await provider.Token.ApproveAsync(AddressOf(ContractNames.ProviderRegistry), Vpn(bond));
        await provider.Providers.RegisterAsync(new ProviderInfo
        {
            Endpoint = "198.18.0.1:51820",
            TunnelPublicKey = RandomNumberGenerator.GetBytes(32),
            Region = "DE\0\0\0\0\0\0"u8.ToArray(),
            PricePerMiB = PricePerMiB,
            PolicyHash = policy.Hash.ToArray(),
            PolicyUri = "https://policies.example/test.json",
        }, Vpn(bond));
        return provider;
    }

    /// <summary>The providers' price: 0.001 VPN per MiB.</summary>
    public static BigInteger PricePerMiB => BigInteger.Pow(10, 15);

    /// <summary>Opens a session of <paramref name="client"/> with <paramref name="provider"/>.</summary>
    public async Task<(ulong Id, Session Terms)> OpenSessionAsync(Party client, Party provider, PolicyDocument policy, byte committee = 3, List<string>? panel = null, long deposit = 200, long penalty = 50)
    {
        var open = new OpenParams
        {
            Provider = provider.Address,
            Deposit = Vpn(deposit),
            PricePerMiB = PricePerMiB,
            PolicyHash = policy.Hash.ToArray(),
            Penalty = Vpn(penalty),
            CommitteeSize = committee,
            Panel = panel ?? [],
        };
        await client.Token.ApproveAsync(AddressOf(ContractNames.SessionManager), open.Deposit);
        TransactionReceipt receipt;
        if (open.Panel.Count == 0)
        {
            receipt = await client.Sessions.OpenSessionAsync(open);
        }
        else
        {
            // A named panel needs the provider's acceptance (EIP-712 PanelAcceptance, docs/protocol.md §2).
            var deadline = await Chain.LatestTimestampAsync() + 3600;
            var acceptance = new Oracle.Core.Eip712.PanelAcceptance
            {
                Client = client.Address,
                Penalty = open.Penalty,
                CommitteeSize = committee,
                PanelHash = Oracle.Core.Eip712.PanelAcceptance.HashPanel(open.Panel),
                Deadline = deadline,
            };
            var signature = Oracle.Core.Eip712.TypedDataSigner.Sign(acceptance, Oracle.Core.Eip712.TypedDataDomain.SessionManager(Chain.ChainId, AddressOf(ContractNames.SessionManager)), provider.Key);
            receipt = await client.Sessions.OpenSessionWithPanelAsync(open, deadline, Convert.FromHexString(signature[2..]));
        }

        var e = Single<SessionOpenedEvent>(receipt);
        return (e.SessionId, new Session
        {
            Client = e.Client,
            Provider = e.Provider,
            Deposit = e.Deposit,
            PricePerMiB = e.PricePerMiB,
            Penalty = e.Penalty,
            CommitteeSize = e.CommitteeSize,
            OpenedAt = e.OpenedAt,
            PolicyHash = e.PolicyHash,
            PanelHash = e.PanelHash,
        });
    }

    /// <summary>Buys at least <paramref name="amount"/> VPN at the current price.</summary>
    public Task BuyAsync(Party party, BigInteger amount) => Network.BuyAsync(party, amount);

    public static BigInteger Vpn(long tokens) => VpnUnits.Tokens(tokens);

    public static T Single<T>(TransactionReceipt receipt)
        where T : class, Nethereum.ABI.FunctionEncoding.Attributes.IEventDTO, new()
        => TestNetwork.Event<T>(receipt);
}
