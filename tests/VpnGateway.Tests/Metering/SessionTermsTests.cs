using System.Numerics;
using Nethereum.Signer;
using Nethereum.Web3;
using Oracle.Core.Policy;
using Oracle.Testing;
using VpnGateway.Control;
using VpnGateway.Metering;
using VpnGateway.Metering.Sessions;
using VpnGateway.Sessions;
using VpnGateway.Tests.Providers;

namespace VpnGateway.Tests.Metering;

/// <summary>
/// Where metering takes a session's price and parties from: the SessionManager's terms (and the ProviderRegistry) for
/// on-chain sessions, read from the real local chain; the configuration for pinned links.
/// </summary>
[Collection(ChainCollection.Name)]
public sealed class SessionTermsTests(ChainFixture chain)
{
    [Fact]
    public async Task Chain_ProviderAndClientOfAnOpenSession_PriceAndPartiesFromTheSessionManager()
    {
        var network = await ChainSessions.DeployAsync(chain);
        var provider = await network.RegisterProviderAsync(new byte[32].Select((_, i) => (byte)(i + 1)).ToArray(), "198.18.0.2:51820", 5_000);
        var (client, sessionId) = await network.OpenSessionAsync(provider.GetPublicAddress(), 5_000);

        var asProvider = await Terms(network, provider).GetAsync(Session(sessionId, GatewayRole.Provider), CancellationToken.None);
        var asClient = await Terms(network, client).GetAsync(Session(sessionId, GatewayRole.Client), CancellationToken.None);

        var expected = new SessionTerms(client.GetPublicAddress(), provider.GetPublicAddress(), new BigInteger(5_000)) { OnChain = true };
        Assert.Equal(expected, asProvider.Terms);
        Assert.Equal(expected, asClient.Terms);
    }

    [Fact]
    public async Task Chain_GatewaySigningWithAnotherKeyOrUnknownSession_RefusedWithTheReason()
    {
        var network = await ChainSessions.DeployAsync(chain);
        var provider = await network.RegisterProviderAsync(new byte[32].Select((_, i) => (byte)(i + 1)).ToArray(), "198.18.0.2:51820", 5_000);
        var (client, sessionId) = await network.OpenSessionAsync(provider.GetPublicAddress(), 5_000);
        var stranger = EthECKey.GenerateKey();

        var wrongProvider = await Terms(network, stranger).GetAsync(Session(sessionId, GatewayRole.Provider), CancellationToken.None);
        var wrongClient = await Terms(network, stranger).GetAsync(Session(sessionId, GatewayRole.Client), CancellationToken.None);
        var unknown = await Terms(network, client).GetAsync(Session(sessionId + 1000, GatewayRole.Client), CancellationToken.None);

        Assert.Null(wrongProvider.Terms);
        Assert.Contains($"provider is {provider.GetPublicAddress()}", wrongProvider.Error, StringComparison.OrdinalIgnoreCase);
        Assert.False(wrongProvider.Transient);
        Assert.Contains("client is", wrongClient.Error, StringComparison.Ordinal);
        Assert.Contains("was not opened", unknown.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chain_NodeUnreachable_TransientError()
    {
        var terms = new ChainSessionTerms(new Web3("http://127.0.0.1:9"), "0x0000000000000000000000000000000000000002", "0x0000000000000000000000000000000000000001",
            EthECKey.GenerateKey().GetPublicAddress());

        var result = await terms.GetAsync(Session(1, GatewayRole.Provider), CancellationToken.None);

        Assert.Null(result.Terms);
        Assert.True(result.Transient);
    }

    [Fact]
    public async Task Configured_PinnedLink_PriceAndProviderFromTheConfiguration()
    {
        var options = new MeteringOptions { PricePerMiB = "1234", ProviderAddress = "0x00000000000000000000000000000000000000aa" };
        var terms = new ConfiguredSessionTerms(options, "0x00000000000000000000000000000000000000bb");

        var asProvider = await terms.GetAsync(Session(1, GatewayRole.Provider, client: "0x00000000000000000000000000000000000000cc"), CancellationToken.None);
        var asClient = await terms.GetAsync(Session(1, GatewayRole.Client), CancellationToken.None);
        var noProvider = await new ConfiguredSessionTerms(new MeteringOptions(), "0x00000000000000000000000000000000000000bb").GetAsync(Session(1, GatewayRole.Client), CancellationToken.None);
        var badPrice = await new ConfiguredSessionTerms(new MeteringOptions { PricePerMiB = "-1" }, "0xbb").GetAsync(Session(1, GatewayRole.Provider), CancellationToken.None);

        Assert.Equal(new SessionTerms("0x00000000000000000000000000000000000000cc", "0x00000000000000000000000000000000000000bb", 1234), asProvider.Terms);
        Assert.Equal(new SessionTerms("0x00000000000000000000000000000000000000bb", "0x00000000000000000000000000000000000000aa", 1234), asClient.Terms);
        Assert.Contains("Metering:ProviderAddress", noProvider.Error, StringComparison.Ordinal);
        Assert.Contains("Metering:PricePerMiB", badPrice.Error, StringComparison.Ordinal);
    }

    private ChainSessionTerms Terms(ChainSessions network, EthECKey signer)
        => new(chain.ReadOnly, network.SessionManager, network.Registry, signer.GetPublicAddress());

    private static GatewaySession Session(ulong id, GatewayRole role, string? client = null)
        => new(id, role, client, "omx0", [IpPrefix.Parse("198.19.0.2/32")], [IpPrefix.Parse("198.19.0.1/32")], PolicyDocument.DefaultExit.HashHex, new NoControl(id), DateTimeOffset.UnixEpoch);

    private sealed class NoControl(ulong sessionId) : IControlChannel
    {
        public ulong SessionId { get; } = sessionId;

        public bool IsOpen => false;

        public ValueTask<ControlSendResult> SendAsync(ushort messageType, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
            => ValueTask.FromResult(ControlSendResult.SessionClosed);

        public IDisposable Subscribe(ushort messageType, Func<ControlMessage, CancellationToken, ValueTask> handler) => new Nothing();

        private sealed class Nothing : IDisposable
        {
            public void Dispose()
            {
            }
        }
    }
}
