using System.Net;
using System.Numerics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Oracle.Core.Policy;
using VpnGateway.Crypto;
using VpnGateway.Providers;
using VpnGateway.Tunnel;

namespace VpnGateway.Tests.Doubles;

/// <summary>A provider gateway and a client over an in-memory underlay, with in-memory TUN devices and a fake clock.</summary>
internal sealed class TunnelHarness : IAsyncDisposable
{
    public const string ServerEndpoint = "198.18.0.2:51820";
    public const string ClientEndpoint = "198.18.0.1:40000";
    public const ulong PinnedSession = 7;
    public const string SessionManager = "0x00000000000000000000000000000000000000a1";

    private TunnelHarness()
    {
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public InMemoryNetwork Network { get; } = new();

    public InMemoryTunFactory ServerTuns { get; } = new();

    public InMemoryTunFactory ClientTuns { get; } = new();

    public RecordingDenialSink Denials { get; } = new();

    /// <summary>Set before the server starts: where the provider reports rate-limited packets.</summary>
    public Oracle.Core.Policy.IPolicyRateLimitSink? RateLimitSink { get; set; }

    public RecordingObserver ServerObserver { get; } = new();

    public RecordingObserver ClientObserver { get; } = new();

    public RecordingNetworkConfigurator ServerNetwork { get; } = new();

    public RecordingNetworkConfigurator ClientNetwork { get; } = new();

    public TunnelKeyPair ServerKey => ServerKeyOverride ?? _serverKey;

    private readonly TunnelKeyPair _serverKey = TunnelKeyPair.Generate();

    public TunnelKeyPair ClientKey { get; } = TunnelKeyPair.Generate();

    public GatewayServer Server { get; private set; } = null!;

    public GatewayClient Client { get; private set; } = null!;

    public InMemoryTransport ServerTransport { get; private set; } = null!;

    public InMemoryTransport ClientTransport { get; private set; } = null!;

    /// <summary>The tunnel settings; a 1 s ending time (in memory every answer is immediate; a test that drops them waits that long).</summary>
    public TunnelOptions Options { get; } = new() { Mtu = 1420, Timings = new TunnelTimings { EndingTimeout = TimeSpan.FromSeconds(1) } };

    public List<SessionRecord> Sessions { get; } = [];

    public PolicyDocument Policy { get; set; } = PolicyDocument.DefaultExit;

    /// <summary>Set before the server starts: the IPv6 tunnel pool (its LAN 2001:2:0:10::/64 is then protected too, as the factory protects the pool).</summary>
    public IpPrefix? AddressPool6 { get; set; }

    /// <summary>Set before the client is created: its routes, and whether they are the default (everything).</summary>
    public IReadOnlyList<IpPrefix> ClientRoutes { get; set; } = [IpPrefix.Parse("0.0.0.0/0")];

    public bool ClientRoutesEverything { get; set; }

    /// <summary>Replaces the pinned directory (the on-chain one in chain tests).</summary>
    public IProviderDirectory? Directory { get; set; }

    /// <summary>Queued handshakes above which the provider demands cookies (0: always).</summary>
    public int UnderLoadBacklog { get; set; } = 32; // ServerOptions' default

    public string? ProviderAddress { get; set; }

    public string SessionManagerAddress { get; set; } = SessionManager;

    /// <summary>Set before the server starts to use a known tunnel key (the one registered on-chain).</summary>
    public TunnelKeyPair? ServerKeyOverride { get; set; }

    public InMemoryTun ServerTun => ServerTuns.Devices.Values.Single(d => !d.Disposed);

    public InMemoryTun ClientTun => ClientTuns.Devices.Values.Single(d => !d.Disposed);

    /// <summary>Creates the provider (with pinned session 7 for the client's key unless <paramref name="sessions"/> replaces it).</summary>
    public static async Task<TunnelHarness> StartServerAsync(Action<TunnelHarness>? configure = null)
    {
        var harness = new TunnelHarness();
        configure?.Invoke(harness);
        if (harness.Sessions.Count == 0)
        {
            harness.Sessions.Add(new SessionRecord(PinnedSession, null, null, harness.Policy.Hash.ToArray(), true, harness.ClientKey.PublicKey));
        }

        harness.ServerTransport = harness.Network.Bind(ServerEndpoint);
        var services = new EngineServices(harness.ServerTransport, harness.ServerTuns, harness.ServerNetwork, harness.Time,
            NullLoggerFactory.Instance, harness.Denials, [harness.ServerObserver], harness.RateLimitSink);
        var policies = new Dictionary<string, PolicyDocument>(StringComparer.OrdinalIgnoreCase) { [harness.Policy.HashHex] = harness.Policy };
        harness.Server = new GatewayServer(services, harness.Options, new ServerOptions
        {
            TunnelKey = harness.ServerKey,
            ProviderAddress = harness.ProviderAddress,
            ChainId = new BigInteger(31337),
            SessionManager = harness.SessionManagerAddress,
            AddressPool = IpPrefix.Parse("198.19.0.0/24"),
            AddressPool6 = harness.AddressPool6,
            InterfacePattern = "ogw%d",
            Policies = policies,
            UnderLoadBacklog = harness.UnderLoadBacklog,
            ProviderNetworks = harness.AddressPool6 is { } pool6
                ? [IpPrefix.Parse("198.18.10.0/24"), IpPrefix.Parse("198.18.0.2/32"), IpPrefix.Parse("198.19.0.1/32"), IpPrefix.Parse("2001:2:0:10::/64"), pool6]
                : [IpPrefix.Parse("198.18.10.0/24"), IpPrefix.Parse("198.18.0.2/32"), IpPrefix.Parse("198.19.0.1/32")],
        }, harness.Directory ?? new PinnedProviderDirectory([], harness.Sessions));
        await harness.Server.StartAsync(CancellationToken.None);
        return harness;
    }

    /// <summary>Creates the provider and connects a client (session 7, pinned key) through it.</summary>
    public static async Task<TunnelHarness> ConnectedAsync(Action<TunnelHarness>? configure = null)
    {
        var harness = await StartServerAsync(configure);
        await harness.ConnectClientAsync(harness.ClientKey, harness.ServerKey.PublicKey, PinnedSession, null);
        return harness;
    }

    public GatewayClient CreateClient(TunnelKeyPair key, byte[] providerKey, ulong sessionId, ITunnelAuthorizationSource? authorization, string endpoint = ClientEndpoint,
        IReadOnlyList<IpPrefix>? localNetworks = null, TunnelOptions? options = null, int connectAttempts = 3)
    {
        ClientTransport = Network.Bind(endpoint);
        var services = new EngineServices(ClientTransport, ClientTuns, ClientNetwork, Time, NullLoggerFactory.Instance, new RecordingDenialSink(), [ClientObserver]);
        Client = new GatewayClient(services, options ?? Options, new ClientOptions
        {
            TunnelKey = key,
            ProviderKey = providerKey,
            ProviderEndpoint = IPEndPoint.Parse(ServerEndpoint),
            SessionId = sessionId,
            Authorization = authorization,
            Routes = ClientRoutes,
            RouteEverything = ClientRoutesEverything,
            LocalNetworks = localNetworks ?? [],
            ConnectAttempts = connectAttempts,
        });
        return Client;
    }

    public async Task ConnectClientAsync(TunnelKeyPair key, byte[] providerKey, ulong sessionId, ITunnelAuthorizationSource? authorization)
    {
        var client = CreateClient(key, providerKey, sessionId, authorization);
        await client.ConnectAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));
        // The responder switches to the new keys when the client's first message (its keepalive) arrives.
        await Until(() => Server.Sessions.Any(s => s.Current is not null), "provider confirmed the keys");
    }

    /// <summary>Advances the fake clock in steps, running the timers at each.</summary>
    public void Advance(TimeSpan by, TimeSpan? step = null)
    {
        var stride = step ?? TimeSpan.FromSeconds(1);
        for (var elapsed = TimeSpan.Zero; elapsed < by; elapsed += stride)
        {
            Time.Advance(stride);
            Server.Tick();
            Client?.Tick();
        }
    }

    public static async Task Until(Func<bool> condition, string what, int timeoutMilliseconds = 15_000)
    {
        var deadline = Environment.TickCount64 + timeoutMilliseconds;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException($"timed out waiting for: {what}");
            }

            await Task.Delay(5);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Client is not null)
        {
            await Client.DisposeAsync();
        }

        await Server.DisposeAsync();
    }
}
