using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Oracle.Chain.Keys;
using Oracle.Core.Evidence;
using Oracle.Core.Policy;
using VpnGateway.Tests.Integration;
using VpnGateway.Tests.Metering.Support;

namespace VpnGateway.Tests.Metering;

/// <summary>
/// A policy with a rate limit on the real tunnel, metered on both gateways: a download and an upload far above the limit.
/// The provider's capture sees inbound packets before the rate limit drops them; reported through the rate-limit sink,
/// they are left out of the records (no denied record, no rule id), so the records equal what the tunnel carried, the
/// client's own metering agrees, and it pays every epoch instead of reporting "octets exceeded".
/// </summary>
public sealed class RateLimitMeteringTests
{
    [Fact]
    public async Task RateLimit_DownloadAndUploadOverTheLimit_RecordsEqualWhatWasCarriedAndTheClientPays()
    {
        await using var net = await MeteredTunnel.CreateAsync("mrl", clients: 1);
        var file = new byte[1 << 20];
        new Random(11).NextBytes(file);
        net.Keep(TinyHttpServer.Start(net.Internet, MeteredTunnel.InternetHost, 8080, new Dictionary<string, byte[]> { ["file.bin"] = file }));
        var policy = JsonNode.Parse(PolicyDocument.DefaultExit.CanonicalJson.ToArray())!.AsObject();
        policy["rateLimit"] = new JsonObject { ["bytesPerSecond"] = 400_000, ["burstBytes"] = 64_000 };
        var limited = Path.Combine(net.Folder, "limited.json");
        await File.WriteAllTextAsync(limited, policy.ToJsonString());

        var session = SignedBatches.UniqueSessionId() % 1_000_000_000;
        var provider = DevelopmentKeys.Key(38);
        var client = DevelopmentKeys.Key(39);
        var providerTunnel = net.TunnelKey("provider");
        var serve = net.Start(net.Provider, "provider", "serve", net.ProviderConfig(net.EthereumKey("provider", provider),
            [new { Id = session, TunnelKey = net.TunnelKey("client"), Client = client.GetPublicAddress(), Policy = limited }],
            new { Metering = new { Flows = new { IdleTimeout = "00:00:02", ActiveTimeout = "00:00:30" } } }));
        await GatewayNetwork.WaitForLog(net.Log("provider"), "serving on", TimeSpan.FromSeconds(60));
        var connect = net.Start(net.Clients[0], "client", "connect",
            net.ClientConfig(0, "client", net.EthereumKey("client", client), session, providerTunnel, provider.GetPublicAddress(),
                new { Metering = new { Flows = new { IdleTimeout = "00:00:02", ActiveTimeout = "00:00:30" } } }));
        await GatewayNetwork.WaitForLog(net.Log("client"), $"connected: session {session}", TimeSpan.FromSeconds(60));

        // Down: 1 MiB at 400 kB/s (TCP backs off from the drops). Up: 2 MB of UDP at once, mostly over the limit.
        var curl = await net.Clients[0].ExecAsync(TimeSpan.FromSeconds(60), "curl", "-s", "--max-time", "50", "-o", "/dev/null", "-w", "%{size_download}",
            $"http://{MeteredTunnel.InternetHost}:8080/file.bin");
        Assert.Equal(file.Length.ToString(CultureInfo.InvariantCulture), curl.EnsureSuccess().StandardOutput.Trim());
        net.Clients[0].RunInside(() =>
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            var payload = new byte[1000];
            for (var i = 0; i < 2000; i++)
            {
                socket.SendTo(payload, new IPEndPoint(IPAddress.Parse(MeteredTunnel.InternetHost), 9));
            }

            return 0;
        });

        // Every flow idles out and is checkpointed: then the records hold what the tunnel carried each way (within 0.1 %,
        // as the capture may count a packet after its flow was cut), not what the provider's capture saw before the limit.
        var status = await StatusAsync(net, session);
        await MeteredTunnel.UntilAsync(async () =>
        {
            status = await StatusAsync(net, session);
            var (outbound, inbound) = Allowed(net, session);
            return outbound >= status.Rx && inbound >= status.Tx;
        }, TimeSpan.FromSeconds(30), () => $"records {Allowed(net, session)} vs tunnel {status}\n{net.LogText("provider")}");
        var (carriedOut, carriedIn) = Allowed(net, session);
        Assert.InRange(carriedOut, status.Rx, status.Rx + (status.Rx / 1000));
        Assert.InRange(carriedIn, status.Tx, status.Tx + (status.Tx / 1000));
        await MeteredTunnel.UntilAsync(async () =>
        {
            var metrics = await MeteredTunnel.MetricsAsync(net.Provider, MeteredTunnel.ProviderMetrics);
            return MeteredTunnel.Metric(metrics, "oracle_vpngateway_metering_vouchers_accepted") >= MeteredTunnel.Metric(metrics, "oracle_vpngateway_metering_checkpoints");
        }, TimeSpan.FromSeconds(20), () => net.LogText("client"));

        var providerMetrics = await MeteredTunnel.MetricsAsync(net.Provider, MeteredTunnel.ProviderMetrics);
        var clientMetrics = await MeteredTunnel.MetricsAsync(net.Clients[0], MeteredTunnel.ClientMetrics);
        Assert.True(status.RateLimited > 100, $"{status.RateLimited} packets over the rate limit");
        Assert.True(MeteredTunnel.Metric(providerMetrics, "oracle_vpngateway_metering_packets_rate_limited") > 100);
        Assert.Equal(0, MeteredTunnel.Metric(providerMetrics, "oracle_vpngateway_policy_denials"));
        Assert.Equal(0, MeteredTunnel.Metric(clientMetrics, "oracle_vpngateway_metering_provider_mismatches"));
        Assert.Equal(0, MeteredTunnel.Metric(clientMetrics, "oracle_vpngateway_metering_epochs_rejected"));
        await MeteredTunnel.TerminateAsync(connect);
        await MeteredTunnel.TerminateAsync(serve);

        var entries = net.ProviderSpoolEntries().Where(e => e.SessionId == session).ToList();
        var batches = entries.Select(e => e.Batch!).ToList();
        Assert.All(batches, b => Assert.NotNull(b.Voucher));
        Assert.All(batches, b => Assert.Null(b.Rejection));
        var records = entries.SelectMany(e => e.Records).Select(r => FlowRecordEncoding.TryDecode(r, out var d) == FlowRecordError.None ? d : throw new InvalidDataException()).ToList();
        Assert.All(records, r => Assert.Equal(FlowVerdict.Allowed, r.Verdict));
        // The upload's flow is checkpointed every epoch while it lasts (one record per epoch).
        var upload = records.Where(r => r.Protocol == 17 && r.DestinationPort == 9).Aggregate(0UL, (sum, r) => sum + r.Packets);
        Assert.InRange(upload, 1UL, 1999UL); // some carried, most dropped by the limit and left out
        var download = records.Where(r => r.Direction == TrafficDirection.Inbound && r.SourcePort == 8080).Sum(r => (long)r.PayloadOctets);
        Assert.InRange(download, file.Length, file.Length * 2L); // what was delivered (with TCP's retransmissions), not what was dropped
    }

    private static (ulong Outbound, ulong Inbound) Allowed(MeteredTunnel net, ulong session)
    {
        ulong outbound = 0, inbound = 0;
        foreach (var entry in net.ProviderSpoolEntries().Where(e => e.SessionId == session))
        {
            foreach (var bytes in entry.Records)
            {
                if (FlowRecordEncoding.TryDecode(bytes, out var r) == FlowRecordError.None && r.Verdict == FlowVerdict.Allowed)
                {
                    if (r.Direction == TrafficDirection.Outbound)
                    {
                        outbound += r.Octets;
                    }
                    else
                    {
                        inbound += r.Octets;
                    }
                }
            }
        }

        return (outbound, inbound);
    }

    private static async Task<(ulong Rx, ulong Tx, long RateLimited)> StatusAsync(MeteredTunnel net, ulong session)
    {
        var status = await GatewayNetwork.StatusAsync(net.Provider, MeteredTunnel.ProviderMetrics);
        var s = status.GetProperty("sessions").EnumerateArray().Single(x => x.GetProperty("sessionId").GetUInt64() == session);
        return ((ulong)s.GetProperty("rxBytes").GetInt64(), (ulong)s.GetProperty("txBytes").GetInt64(), GatewayNetwork.Drop(status, "rate_limited"));
    }
}
