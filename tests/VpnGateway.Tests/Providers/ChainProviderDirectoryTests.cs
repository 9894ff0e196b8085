using Nethereum.Signer;
using Nethereum.Web3;
using Oracle.Core.Policy;
using Oracle.Testing;
using VpnGateway.Crypto;
using VpnGateway.Providers;
using VpnGateway.Protocol;
using VpnGateway.Tests.Doubles;
using VpnGateway.Tunnel;

namespace VpnGateway.Tests.Providers;

/// <summary>
/// The directory against a real chain: the provider registers its gateway's tunnel key in the ProviderRegistry, a
/// client opens a session in the SessionManager, and the tunnel handshake checks the client's EIP-712 proof against
/// the session's client address read from the chain.
/// </summary>
[Collection(ChainCollection.Name)]
public sealed class ChainProviderDirectoryTests(ChainFixture chain)
{
    private readonly Dictionary<string, ChainSessions> _networks = [];

    [Fact]
    public async Task Directory_RegisteredProviderAndOpenSession_ReadFromChain()
    {
        var network = await DeployAsync();
        using var tunnelKey = TunnelKeyPair.Generate();
        var (provider, _, sessionId) = await OpenSessionAsync(network, tunnelKey.PublicKey);
        var directory = new ChainProviderDirectory(chain.ReadOnly, network.Registry, network.Sessions, TimeProvider.System);

        var providerLookup = await directory.GetProviderAsync(provider.GetPublicAddress(), CancellationToken.None);
        var sessionLookup = await directory.GetSessionAsync(sessionId, CancellationToken.None);
        var missing = await directory.GetSessionAsync(sessionId + 1000, CancellationToken.None);
        var unregistered = await directory.GetProviderAsync(EthECKey.GenerateKey().GetPublicAddress(), CancellationToken.None);

        Assert.Equal(LookupStatus.Found, providerLookup.Status);
        Assert.Equal(tunnelKey.PublicKey, providerLookup.Value!.TunnelKey);
        Assert.Equal("198.18.0.2:51820", providerLookup.Value.Endpoint);
        Assert.True(providerLookup.Value.Active);
        Assert.Equal(LookupStatus.Found, sessionLookup.Status);
        Assert.Equal(provider.GetPublicAddress(), sessionLookup.Value!.Provider);
        Assert.Equal(PolicyDocument.DefaultExit.Hash.ToArray(), sessionLookup.Value.PolicyHash);
        Assert.True(sessionLookup.Value.IsOpen);
        Assert.Equal(LookupStatus.NotFound, missing.Status);
        Assert.Equal(LookupStatus.NotFound, unregistered.Status);
    }

    [Fact]
    public async Task Directory_UnknownSessionIds_OneCheapCallEachThenAnsweredFromMemory()
    {
        var network = await DeployAsync();
        var web3 = new Web3(chain.RpcUrl);
        var calls = new CountingInterceptor();
        web3.Client.OverridingRequestInterceptor = calls;
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var directory = new ChainProviderDirectory(web3, network.Registry, network.Sessions, time);

        var first = await directory.GetSessionAsync(987_654, CancellationToken.None);
        var afterFirst = calls.Methods.ToList();
        var again = await directory.GetSessionAsync(987_654, CancellationToken.None);
        var afterAgain = calls.Methods.Count;
        time.Advance(ChainProviderDirectory.UnknownSessionTtl);
        await directory.GetSessionAsync(987_654, CancellationToken.None);

        Assert.Equal(LookupStatus.NotFound, first.Status);
        Assert.Equal(LookupStatus.NotFound, again.Status);
        Assert.Equal(["eth_call"], afterFirst); // the session's state, no log search
        Assert.Equal(afterFirst.Count, afterAgain); // from memory
        Assert.Equal(2, calls.Methods.Count); // asked again once the memory expired
    }

    private sealed class CountingInterceptor : Nethereum.JsonRpc.Client.RequestInterceptor
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Methods { get; } = new();

        public override Task<object> InterceptSendRequestAsync<T>(Func<Nethereum.JsonRpc.Client.RpcRequest, string, Task<T>> interceptedSendRequestAsync, Nethereum.JsonRpc.Client.RpcRequest request, string? route = null)
        {
            Methods.Enqueue(request.Method);
            return base.InterceptSendRequestAsync(interceptedSendRequestAsync, request, route);
        }
    }

    [Fact]
    public async Task Directory_ChainUnreachable_Unavailable()
    {
        var directory = new ChainProviderDirectory(new Web3("http://127.0.0.1:9"), "0x0000000000000000000000000000000000000001",
            "0x0000000000000000000000000000000000000002", TimeProvider.System);

        var lookup = await directory.GetSessionAsync(1, CancellationToken.None);

        Assert.Equal(LookupStatus.Unavailable, lookup.Status);
    }

    [Fact]
    public async Task Tunnel_OnChainSession_ClientProvesItsAddressOthersRefused()
    {
        var network = await DeployAsync();
        var serverKey = TunnelKeyPair.Generate();
        var (provider, client, sessionId) = await OpenSessionAsync(network, serverKey.PublicKey);
        await using var h = await TunnelHarness.StartServerAsync(harness =>
        {
            harness.ServerKeyOverride = serverKey;
            harness.Directory = new ChainProviderDirectory(chain.ReadOnly, network.Registry, network.Sessions, TimeProvider.System);
            harness.ProviderAddress = provider.GetPublicAddress();
            harness.SessionManagerAddress = network.Sessions;
        });

        // Someone else's key signing for the session: refused with a reason.
        var impostor = h.CreateClient(TunnelKeyPair.Generate(), serverKey.PublicKey, sessionId,
            new EthereumAuthorizationSource(EthECKey.GenerateKey(), chain.ChainId, network.Sessions, h.Time, TimeSpan.FromHours(1)));
        var refused = await Assert.ThrowsAsync<HandshakeRejectedException>(() => impostor.ConnectAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));
        await impostor.DisposeAsync();

        // A signature for another chain (same contract address, chain id 1): refused.
        h.Network.Rebind(h.ClientTransport, "198.18.0.9:40000");
        var otherChain = h.CreateClient(TunnelKeyPair.Generate(), serverKey.PublicKey, sessionId,
            new EthereumAuthorizationSource(client, 1, network.Sessions, h.Time, TimeSpan.FromHours(1)), "198.18.0.10:40000");
        var wrongChain = await Assert.ThrowsAsync<HandshakeRejectedException>(() => otherChain.ConnectAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));
        await otherChain.DisposeAsync();

        // The session's client: accepted, and the gateway knows its address.
        using var clientTunnelKey = TunnelKeyPair.Generate();
        var accepted = h.CreateClient(clientTunnelKey, serverKey.PublicKey, sessionId,
            new EthereumAuthorizationSource(client, chain.ChainId, network.Sessions, h.Time, TimeSpan.FromHours(1)), "198.18.0.11:40000");
        await accepted.ConnectAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        await TunnelHarness.Until(() => h.ServerObserver.Started.Count == 1, "session started");

        Assert.Equal(HandshakeStatus.BadAuthorization, refused.Status);
        Assert.Equal(HandshakeStatus.BadAuthorization, wrongChain.Status);
        Assert.Equal(client.GetPublicAddress(), Assert.Single(h.ServerObserver.Started).ClientAddress);
        h.ClientTun.Inject(Packets.Udp("198.19.0.2", "198.18.200.1", 40000, 53));
        await h.ServerTun.NextWrittenAsync(TimeSpan.FromSeconds(10));
    }

    private async Task<(string Token, string Registry, string Sessions, IWeb3 Deployer)> DeployAsync()
    {
        var network = await ChainSessions.DeployAsync(chain);
        _networks[network.SessionManager] = network;
        return (network.TokenAddress, network.Registry, network.SessionManager, network.Deployer);
    }

    private async Task<(EthECKey Provider, EthECKey Client, ulong SessionId)> OpenSessionAsync(
        (string Token, string Registry, string Sessions, IWeb3 Deployer) network, byte[] tunnelKey)
    {
        var contracts = _networks[network.Sessions];
        var provider = await contracts.RegisterProviderAsync(tunnelKey, "198.18.0.2:51820", 1000);
        var (client, sessionId) = await contracts.OpenSessionAsync(provider.GetPublicAddress(), 1000);
        return (provider, client, sessionId);
    }
}
