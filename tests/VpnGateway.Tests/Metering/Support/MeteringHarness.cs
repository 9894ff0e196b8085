using System.Numerics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Oracle.Chain.Keys;
using Oracle.Core.Eip712;
using VpnGateway.Metering;
using VpnGateway.Metering.Capture;
using VpnGateway.Metering.Client;
using VpnGateway.Metering.Provider;
using VpnGateway.Metering.Sessions;
using VpnGateway.Metering.Signing;
using VpnGateway.Metering.Spool;
using VpnGateway.Sessions;

namespace VpnGateway.Tests.Metering.Support;

/// <summary>
/// A provider's and a client's metering of one session, joined by an in-memory control channel, on a fake clock, each
/// with its own spool in a temporary folder. Packets are fed to each side's flow meter directly.
/// </summary>
internal sealed class MeteringHarness : IAsyncDisposable
{
    public const ulong ChainId = 31337;
    public const string SessionManager = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    public const ulong SessionId = 42;
    public const string ClientTunnelAddress = "198.18.0.2";

    /// <summary>The provider's protected network (its guard denies it, rule 4294967294).</summary>
    public const string ProviderNetwork = "198.18.200.0/24";
    public static readonly BigInteger PricePerMiB = 1_000_000_000_000_000;
    public static readonly TypedDataDomain Domain = TypedDataDomain.SessionManager(ChainId, SessionManager);

    private MeteringHarness(string folder, MeteringOptions options, Func<MeteredSession, MeteredSession>? session)
    {
        Folder = folder;
        Options = options;
        (ProviderChannel, ClientChannel) = InMemoryEvidenceChannel.Pair();
        ProviderSpool = EvidenceSpool.Open(Path.Combine(folder, "provider.db"));
        ClientSpool = EvidenceSpool.Open(Path.Combine(folder, "client.db"));
        ProviderContext = Context(ProviderSpool, new KeyEvidenceSigner(GatewayKey, Domain), ProviderTerminator, ProviderMetrics);
        ClientContext = Context(ClientSpool, new KeyEvidenceSigner(ClientKey, Domain), ClientTerminator, ClientMetrics);
        Session = new MeteredSession(SessionId, null, [Oracle.Core.Policy.IpPrefix.Parse(ClientTunnelAddress + "/32")], ClientKey.GetPublicAddress(), GatewayKey.GetPublicAddress(), PricePerMiB)
        {
            Policy = Oracle.Core.Policy.PolicyDocument.DefaultExit,
            PolicyContext = new Oracle.Core.Policy.PolicyContext([Oracle.Core.Policy.IpPrefix.Parse(ProviderNetwork)]),
        };
        Session = session?.Invoke(Session) ?? Session;
    }

    public static Nethereum.Signer.EthECKey GatewayKey { get; } = DevelopmentKeys.Key(10);

    public static Nethereum.Signer.EthECKey ClientKey { get; } = DevelopmentKeys.Key(11);

    public string Folder { get; }

    public MeteringOptions Options { get; }

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));

    public MeteredSession Session { get; }

    /// <summary>The session as the provider meters it (<see cref="Session"/>, less its policy for a dishonest provider).</summary>
    public MeteredSession ProviderSession { get; private set; } = null!;

    public InMemoryEvidenceChannel ProviderChannel { get; private set; }

    public InMemoryEvidenceChannel ClientChannel { get; }

    public EvidenceSpool ProviderSpool { get; private set; }

    public EvidenceSpool ClientSpool { get; }

    public MeteringContext ProviderContext { get; private set; }

    public MeteringContext ClientContext { get; }

    public MeteringMetrics ProviderMetrics { get; } = new();

    public MeteringMetrics ClientMetrics { get; } = new();

    public RecordingTerminator ProviderTerminator { get; } = new();

    public RecordingTerminator ClientTerminator { get; } = new();

    public ProviderSessionMeter Provider { get; private set; } = null!;

    public ClientSessionMeter Client { get; private set; } = null!;

    /// <param name="configure">Metering options of both sides.</param>
    /// <param name="withClient">Whether a client meter runs (else the test plays the client).</param>
    /// <param name="session">Changes the session both sides meter.</param>
    /// <param name="dishonestProvider">The provider signs whatever its meter holds, without checking records against its policy (a provider that frames or overbills).</param>
    public static async Task<MeteringHarness> StartAsync(Action<MeteringOptions>? configure = null, bool withClient = true, Func<MeteredSession, MeteredSession>? session = null,
        bool dishonestProvider = false)
    {
        var options = new MeteringOptions();
        configure?.Invoke(options);
        var harness = new MeteringHarness(Directory.CreateTempSubdirectory("metering-test-").FullName, options, session);
        harness.ProviderSession = dishonestProvider ? harness.Session with { Policy = null } : harness.Session;
        harness.Provider = await ProviderSessionMeter.StartAsync(harness.ProviderSession, harness.ProviderChannel, harness.ProviderContext, CancellationToken.None);
        if (withClient)
        {
            harness.Client = await ClientSessionMeter.StartAsync(harness.Session, harness.ClientChannel, harness.ClientContext, CancellationToken.None);
        }

        return harness;
    }

    public long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>A packet that crossed the tunnel: both sides' meters see it.</summary>
    public void Both(byte[] packet)
    {
        Provider.Flows.OnForwarded(packet, packet.Length, NowMs);
        Client.Flows.OnForwarded(packet, packet.Length, NowMs);
    }

    /// <summary>Advances the clock and sweeps both sides, then lets the control channel deliver.</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        Time.Advance(by);
        if (Client is not null)
        {
            await Client.TickAsync(CancellationToken.None);
        }

        await Provider.TickAsync(CancellationToken.None);
        await ProviderChannel.SettleAsync();
    }

    /// <summary>
    /// Simulates a crash and restart of the provider's metering: its in-memory state is abandoned (open flows are lost
    /// as in a crash), the spool file is reopened and a new meter continues the session from it.
    /// </summary>
    public async Task RestartProviderAsync()
    {
        await Provider.DisposeAsync();
        ProviderSpool.Dispose();
        ProviderSpool = EvidenceSpool.Open(Path.Combine(Folder, "provider.db"));
        ProviderContext = ProviderContext with { Spool = ProviderSpool };
        Provider = await ProviderSessionMeter.StartAsync(ProviderSession, ProviderChannel, ProviderContext, CancellationToken.None);
        await ProviderChannel.SettleAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await ProviderChannel.DisposeAsync();
        await ClientChannel.DisposeAsync();
        await Provider.DisposeAsync();
        if (Client is not null)
        {
            await Client.DisposeAsync();
        }

        ProviderSpool.Dispose();
        ClientSpool.Dispose();
        ProviderMetrics.Dispose();
        ClientMetrics.Dispose();
        Directory.Delete(Folder, recursive: true);
    }

    private MeteringContext Context(EvidenceSpool spool, IEvidenceSigner signer, ISessionTerminator terminator, MeteringMetrics metrics)
        => new(Options, spool, signer, Domain, terminator, metrics, Time, NullLoggerFactory.Instance,
            (_, _) => throw new InvalidOperationException("harness sessions have no interface"));
}
