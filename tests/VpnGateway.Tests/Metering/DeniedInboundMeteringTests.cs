using Oracle.Chain.Keys;
using Oracle.Core.Evidence;
using Oracle.Core.Policy;
using VpnGateway.Tests.Integration;
using VpnGateway.Tests.Metering.Support;

namespace VpnGateway.Tests.Metering;

/// <summary>
/// Issue 10 item 1 on the real tunnel: packets towards the client from the provider's own side, which the provider's
/// guard denies before they enter the tunnel, are recorded as the provider's denied inbound records; the client, which
/// cannot have seen them, keeps its session and keeps paying.
/// </summary>
public sealed class DeniedInboundMeteringTests
{
    private const string ClientTunnelAddress = "198.19.210.2";

    [Fact]
    public async Task DeniedInbound_BurstFromTheProvidersSide_SessionSurvivesAndKeepsPaying()
    {
        await using var net = await MeteredTunnel.CreateAsync("mdi", clients: 1);
        var session = SignedBatches.UniqueSessionId() % 1_000_000_000;
        var provider = DevelopmentKeys.Key(44);
        var client = DevelopmentKeys.Key(45);
        var providerTunnel = net.TunnelKey("provider");
        var serve = net.Start(net.Provider, "provider", "serve", net.ProviderConfig(net.EthereumKey("provider", provider),
            [new { Id = session, TunnelKey = net.TunnelKey("client"), Client = client.GetPublicAddress(), Policy = net.ExitPolicy, Address = ClientTunnelAddress }]));
        await GatewayNetwork.WaitForLog(net.Log("provider"), "serving on", TimeSpan.FromSeconds(60));
        var connect = net.Start(net.Clients[0], "client", "connect",
            net.ClientConfig(0, "client", net.EthereumKey("client", client), session, providerTunnel, provider.GetPublicAddress()));
        await GatewayNetwork.WaitForLog(net.Log("client"), $"connected: session {session}", TimeSpan.FromSeconds(60));
        net.Clients[0].StartProcess(net.Log("ping"), "ping", "-i", "0.2", MeteredTunnel.InternetHost);
        await MeteredTunnel.UntilAsync(async () => await VouchersAsync(net) >= 2, TimeSpan.FromSeconds(30), () => net.LogText("provider"));

        // A burst from the provider host itself (its address on the session's device is guarded): denied inbound.
        var burst = await net.Provider.ExecAsync(TimeSpan.FromSeconds(20), "ping", "-c", "40", "-i", "0.05", "-W", "1", ClientTunnelAddress);
        Assert.NotEqual(0, burst.ExitCode); // no reply: the packets never reached the client
        var afterBurst = await VouchersAsync(net);
        await MeteredTunnel.UntilAsync(async () => await VouchersAsync(net) >= afterBurst + 3, TimeSpan.FromSeconds(30), () => net.LogText("client"));

        Assert.False(connect.HasExited, net.LogText("client"));
        Assert.DoesNotContain("provider evidence", net.LogText("client"), StringComparison.Ordinal);
        var ping = await net.Clients[0].ExecAsync(TimeSpan.FromSeconds(20), "ping", "-c", "2", "-i", "0.3", "-W", "2", MeteredTunnel.InternetHost);
        Assert.Equal(0, ping.ExitCode);
        await MeteredTunnel.TerminateAsync(connect);
        await MeteredTunnel.TerminateAsync(serve);

        var entries = net.ProviderSpoolEntries().Where(e => e.SessionId == session).ToList();
        var batches = entries.Select(e => e.Batch!).ToList();
        var records = entries.SelectMany(e => e.Records).Select(r => FlowRecordEncoding.TryDecode(r, out var d) == FlowRecordError.None ? d : throw new InvalidDataException()).ToList();
        var denied = records.Where(r => r.Verdict == FlowVerdict.Denied && r.Direction == TrafficDirection.Inbound).ToList();
        Assert.NotEmpty(denied);
        Assert.All(denied, r => Assert.Equal(PolicyDecision.ProviderGuardRuleId, r.RuleId));
        Assert.Equal(40UL, denied.Aggregate(0UL, (sum, r) => sum + r.Packets));
        Assert.All(batches, b => Assert.NotNull(b.Voucher)); // every epoch paid, the ones holding the denied records too
        Assert.All(batches, b => Assert.Null(b.Rejection));
    }

    private static async Task<double> VouchersAsync(MeteredTunnel net)
        => MeteredTunnel.Metric(await MeteredTunnel.MetricsAsync(net.Provider, MeteredTunnel.ProviderMetrics), "oracle_vpngateway_metering_vouchers_accepted");
}
