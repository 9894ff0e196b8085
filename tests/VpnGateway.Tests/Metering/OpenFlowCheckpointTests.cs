using Oracle.Chain.Keys;
using Oracle.Core.Evidence;
using Oracle.Core.Policy;
using VpnGateway.Tests.Integration;
using VpnGateway.Tests.Metering.Support;

namespace VpnGateway.Tests.Metering;

/// <summary>
/// Issue 10 item 6 on the real tunnel: a provider killed with SIGKILL while a flow is still open (its active timeout a
/// minute away) has checkpointed the flow's counters every epoch, so its spool holds every packet up to the last epoch.
/// </summary>
public sealed class OpenFlowCheckpointTests
{
    private static readonly object LongFlows = new { Metering = new { Flows = new { IdleTimeout = "00:00:30", ActiveTimeout = "00:01:00" } } };

    [Fact]
    public async Task Serve_KilledWhileAFlowIsOpen_EveryPacketBeforeTheLastEpochIsInTheSpool()
    {
        await using var net = await MeteredTunnel.CreateAsync("mof", clients: 1);
        var session = SignedBatches.UniqueSessionId() % 1_000_000_000;
        var provider = DevelopmentKeys.Key(46);
        var client = DevelopmentKeys.Key(47);
        var providerTunnel = net.TunnelKey("provider");
        var serve = net.Start(net.Provider, "provider", "serve", net.ProviderConfig(net.EthereumKey("provider", provider),
            [new { Id = session, TunnelKey = net.TunnelKey("client"), Client = client.GetPublicAddress(), Policy = net.ExitPolicy }], LongFlows));
        await GatewayNetwork.WaitForLog(net.Log("provider"), "serving on", TimeSpan.FromSeconds(60));
        var connect = net.Start(net.Clients[0], "client", "connect",
            net.ClientConfig(0, "client", net.EthereumKey("client", client), session, providerTunnel, provider.GetPublicAddress(), LongFlows));
        await GatewayNetwork.WaitForLog(net.Log("client"), $"connected: session {session}", TimeSpan.FromSeconds(60));

        // 30 echo requests in 3 s: one ICMP flow each way, open for 30 s more. Then at least two 1 s epochs pass, and SIGKILL.
        (await net.Clients[0].ExecAsync(TimeSpan.FromSeconds(20), "ping", "-c", "30", "-i", "0.1", "-W", "2", MeteredTunnel.InternetHost)).EnsureSuccess();
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        serve.Kill();
        await serve.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await MeteredTunnel.TerminateAsync(connect);

        var records = net.ProviderSpoolEntries().Where(e => e.SessionId == session).SelectMany(e => e.Records)
            .Select(r => FlowRecordEncoding.TryDecode(r, out var d) == FlowRecordError.None ? d : throw new InvalidDataException()).ToList();
        var requests = records.Where(r => r.Protocol == 1 && r.Direction == TrafficDirection.Outbound && r.DestinationPort == 8 << 8).ToList();
        var replies = records.Where(r => r.Protocol == 1 && r.Direction == TrafficDirection.Inbound && r.DestinationPort == 0).ToList();
        Assert.Equal(30UL, requests.Aggregate(0UL, (sum, r) => sum + r.Packets));
        Assert.Equal(30UL, replies.Aggregate(0UL, (sum, r) => sum + r.Packets));
        Assert.All(requests.Concat(replies), r => Assert.Equal(FlowEndReason.ActiveTimeout, r.EndReason));
    }
}
