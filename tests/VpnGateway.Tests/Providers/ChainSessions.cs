using System.Numerics;
using Nethereum.Signer;
using Nethereum.Web3;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.ProviderRegistry;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Chain.Deployment;
using Oracle.Core.Policy;
using Oracle.Testing;

namespace VpnGateway.Tests.Providers;

/// <summary>
/// A whole Oracle network of our own on a test chain (<see cref="TestNetwork"/>, the test projects' one network
/// builder), a provider registered with its gateway's tunnel key, and clients opening sessions with it, each from a
/// fresh account that bought its tokens at the exchange.
/// </summary>
internal sealed class ChainSessions
{
    public static readonly BigInteger Token = VpnUnits.One;

    private ChainSessions(TestNetwork network) => Network = network;

    public TestNetwork Network { get; }

    public ChainFixture Chain => Network.Chain;

    /// <summary>The network's manifest (what a gateway is configured with as <c>Chain:Manifest</c>).</summary>
    public DeploymentManifest Manifest => Network.Manifest;

    public string TokenAddress => Network.AddressOf(ContractNames.VpnToken);

    public string Registry => Network.AddressOf(ContractNames.ProviderRegistry);

    public string SessionManager => Network.AddressOf(ContractNames.SessionManager);

    public IWeb3 Deployer => Network.Deployer.Web3;

    public static async Task<ChainSessions> DeployAsync(ChainFixture chain) => new(await TestNetwork.DeployAsync(chain));

    /// <summary>A network whose SessionManager has this challenge window and maximum session duration (settlement tests).</summary>
    public static async Task<ChainSessions> DeployAsync(ChainFixture chain, TimeSpan challengeWindow, TimeSpan maxSessionDuration)
        => new(await TestNetwork.DeployAsync(chain, NetworkParameters.Devnet with { ChallengeWindow = challengeWindow, MaxSessionDuration = maxSessionDuration }));

    /// <summary>Registers a new provider (endpoint, tunnel key, price, the default exit policy) with the minimum bond.</summary>
    public async Task<EthECKey> RegisterProviderAsync(byte[] tunnelKey, string endpoint, BigInteger pricePerMiB)
    {
        var bond = Network.Parameters.ProviderMinBond;
        var provider = await Network.NewActorAsync(vpn: (long)(bond / Token) + 1);
        await provider.Token.ApproveAsync(Registry, bond);
        await provider.Providers.RegisterAsync(new ProviderInfo
        {
            Endpoint = endpoint,
            TunnelPublicKey = tunnelKey,
            Region = TestNetwork.Region("DE"),
            PricePerMiB = pricePerMiB,
            PolicyHash = PolicyDocument.DefaultExit.Hash.ToArray(),
            PolicyUri = "https://provider.example/policy.json",
        }, bond);
        return provider.Key;
    }

    /// <summary>A new client opens a session with <paramref name="provider"/> at <paramref name="pricePerMiB"/> (5 VPN deposit, no penalty, a drawn committee of 3).</summary>
    public async Task<(EthECKey Client, ulong SessionId)> OpenSessionAsync(string provider, BigInteger pricePerMiB)
    {
        var client = await Network.NewActorAsync(vpn: 10);
        await client.Token.ApproveAsync(SessionManager, 5 * Token);
        var receipt = await client.Sessions.OpenSessionAsync(new OpenParams
        {
            Provider = provider,
            Deposit = 5 * Token,
            PricePerMiB = pricePerMiB,
            PolicyHash = PolicyDocument.DefaultExit.Hash.ToArray(),
            Penalty = 0,
            CommitteeSize = 3,
        });
        // The id from the receipt's event: another session opened meanwhile would make "next id - 1" someone else's.
        return (client.Key, TestNetwork.Event<SessionOpenedEvent>(receipt).SessionId);
    }
}
