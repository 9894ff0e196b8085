using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Oracle.Chain.Keys;
using Oracle.Core.Evidence;
using Oracle.Core.Policy;
using Oracle.Testing;
using VpnGateway.Tests.Integration;
using VpnGateway.Tests.Metering.Support;

namespace VpnGateway.Tests.Metering;

/// <summary>
/// Many sessions through one provider (issue 15): one TUN device and one shared capture for all of them, flows
/// attributed to sessions by the client's tunnel address. The clients are the bench's swarm (tools/Oracle.ScaleBench:
/// one process speaking the tunnel protocol with the gateway's own handshake and transport types for every session);
/// each session sends its datagrams from a source port of its own, so a record filed under the wrong session shows.
/// </summary>
public sealed class SharedDeviceAttributionTests
{
    private const int Sessions = 200;
    private const string Gateway = "198.19.0.1";

    [Fact]
    public async Task SharedCapture_ManySessionsWithTraffic_EachSessionsRecordsHoldOnlyItsOwnFlows()
    {
        await using var net = await MeteredTunnel.CreateAsync("msa", clients: 1);
        var tool = RepositoryTools.Dll("Oracle.ScaleBench");

        // The exit policy with the gateway's tunnel address exported: the swarm's datagrams go there (UDP port 9).
        var policy = Path.Combine(net.Folder, "policy.json");
        var document = JsonNode.Parse(PolicyDocument.DefaultExit.CanonicalJson.ToArray())!.AsObject();
        document["exports"] = new JsonArray(Gateway + "/32");
        await File.WriteAllTextAsync(policy, document.ToJsonString());

        var first = (SignedBatches.UniqueSessionId() % 1_000_000_000) + 1;
        var client = DevelopmentKeys.Key(38);
        (await Oracle.Testing.Commands.RunAsync(TimeSpan.FromSeconds(60), "dotnet", tool, "sessions", "--count", Sessions.ToString(CultureInfo.InvariantCulture),
            "--first", first.ToString(CultureInfo.InvariantCulture), "--policy", policy, "--client", client.GetPublicAddress(), "--out", net.Folder)).EnsureSuccess();
        var ids = Enumerable.Range(0, Sessions).Select(i => first + (ulong)i).ToList();

        var providerTunnel = net.TunnelKey("provider");
        var serve = net.Start(net.Provider, "provider", "serve", net.ProviderConfig(net.EthereumKey("provider", DevelopmentKeys.Key(39)),
            JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(net.Folder, "sessions.json")))!.AsArray().Select(s => (object)s!).ToArray(),
            new
            {
                // One source address sends every session's handshakes: the per-address handshake limit is lifted for the swarm.
                Serve = new { AddressPool = "198.19.0.0/21", MaxSessions = Sessions + 16, HandshakesPerSecond = 100000, HandshakeBurst = 100000, Policies = new[] { policy } },
                // The swarm pays no vouchers: the sessions must outlive the test rather than be cut off for not paying.
                Metering = new { VoucherGrace = "00:10:00" },
            }));
        await GatewayNetwork.WaitForLog(net.Log("provider"), "serving on", TimeSpan.FromSeconds(60));

        // Every session's handshake, a datagram at once (while the provider's metering still starts: it is held, not
        // dropped), two more 5 s apart (held 6 s), every session rekeyed once; exits 0 only if all connected.
        var swarm = net.Clients[0].StartProcess(net.Log("swarm"), "dotnet", tool, "swarm", "--keys", Path.Combine(net.Folder, "keys.txt"),
            "--provider-key", providerTunnel, "--endpoint", MeteredTunnel.ProviderEndpoint(0), "--hold", "6", "--rekey-rate", "100");
        try
        {
            await swarm.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(150));
        }
        catch (TimeoutException)
        {
            swarm.Kill();
            throw new TimeoutException($"the swarm did not finish in 150 s:\n{net.LogText("swarm")}\n{net.LogText("provider")}");
        }

        Assert.True(swarm.ExitCode == 0, $"swarm exit {swarm.ExitCode}:\n{net.LogText("swarm")}");

        // Every flow checkpointed (flows close after 1 s idle, epochs of 1 s): a datagram flow per session, and a flow of
        // the gateway's ICMP answers for each session that got one (the kernel rate-limits them, so not all do).
        var tunnel = await TunnelCountersAsync(net);
        var flows = Sessions + tunnel.Values.Count(t => t.Tx.Packets > 0);
        await MeteredTunnel.UntilAsync(async () =>
        {
            var metrics = await MeteredTunnel.MetricsAsync(net.Provider, MeteredTunnel.ProviderMetrics);
            return MeteredTunnel.Metric(metrics, "oracle_vpngateway_metering_records") >= flows;
        }, TimeSpan.FromSeconds(90), () => net.LogText("provider")); // generous: 200 sessions' epochs on a loaded 2-core machine
        var metrics = await MeteredTunnel.MetricsAsync(net.Provider, MeteredTunnel.ProviderMetrics);
        Assert.Equal(0, MeteredTunnel.Metric(metrics, "oracle_vpngateway_metering_capture_device_dropped"));
        Assert.Equal(0, MeteredTunnel.Metric(metrics, "oracle_vpngateway_metering_capture_dropped"));
        Assert.Equal(tunnel, await TunnelCountersAsync(net));

        // No session lost its first datagram: those that came before the session's metering ran were held, then carried.
        var status = await GatewayNetwork.StatusAsync(net.Provider, MeteredTunnel.ProviderMetrics);
        Assert.Equal(0, GatewayNetwork.Drop(status, "session_not_running"));
        Assert.Equal(0, GatewayNetwork.Drop(status, "session_starting_queue_full"));
        Assert.Equal(0, GatewayNetwork.Drop(status, "session_start_failed"));
        Assert.True(MeteredTunnel.Metric(metrics, "oracle_vpngateway_packets_held_starting") > 0, "no datagram came before its session ran: the hold was not exercised");
        await MeteredTunnel.TerminateAsync(serve);

        var entries = net.ProviderSpoolEntries().Where(e => ids.Contains(e.SessionId)).ToList();
        Assert.All(entries, e => Assert.Equal(0UL, e.Batch!.Checkpoint.CaptureDrops));
        var addresses = new Dictionary<ulong, UInt128>();
        foreach (var id in ids)
        {
            var records = entries.Where(e => e.SessionId == id).SelectMany(e => e.Records).Select(Decode).ToList();
            Assert.All(records, r => Assert.Equal(id, r.SessionId));
            var port = (ushort)(40000 + (id % 20000));
            var udp = records.Where(r => r.Protocol == 17).ToList();
            Assert.True(udp.Count > 0, $"session {id}: no datagram recorded ({records.Count} records)");

            // Only its own flow: from its own port and tunnel address to the gateway's discard port, outbound and allowed.
            Assert.All(udp, r => Assert.Equal((port, (ushort)9, TrafficDirection.Outbound, FlowVerdict.Allowed), (r.SourcePort, r.DestinationPort, r.Direction, r.Verdict)));
            Assert.All(udp, r => Assert.Equal(IPAddress.Parse(Gateway), r.Destination));
            var address = Assert.Single(udp.Select(r => r.SourceAddress).Distinct());
            addresses[id] = address;

            // Everything else filed under it (the gateway's ICMP answers) goes to that same address.
            Assert.All(records, r => Assert.True(r.Direction == TrafficDirection.Outbound ? r.SourceAddress == address : r.DestinationAddress == address, $"session {id}: {r}"));

            // Its records count exactly what its tunnel carried, each way: nothing of another session's, nothing of its own missing.
            Assert.Equal(tunnel[id].Rx, Sum(records, TrafficDirection.Outbound));
            Assert.Equal(tunnel[id].Tx, Sum(records, TrafficDirection.Inbound));

            // Its three datagrams of 36 bytes, the first included.
            var packets = udp.Sum(r => (long)r.Packets);
            Assert.True(packets == 3, $"session {id}: {packets} datagrams recorded, 3 sent");
            Assert.Equal(packets * 36, udp.Sum(r => (long)r.PayloadOctets));
            Assert.Equal(packets * 64, udp.Sum(r => (long)r.Octets));
        }

        // One tunnel address per session, none shared.
        Assert.Equal(Sessions, addresses.Values.Distinct().Count());
    }

    // Each session's tunnel counters from the provider's /status: bytes and packets received from the client and sent to it.
    private static async Task<Dictionary<ulong, ((ulong Octets, ulong Packets) Rx, (ulong Octets, ulong Packets) Tx)>> TunnelCountersAsync(MeteredTunnel net)
        => (await GatewayNetwork.StatusAsync(net.Provider, MeteredTunnel.ProviderMetrics)).GetProperty("sessions").EnumerateArray().ToDictionary(
            s => s.GetProperty("sessionId").GetUInt64(),
            s => ((s.GetProperty("rxBytes").GetUInt64(), s.GetProperty("rxPackets").GetUInt64()), (s.GetProperty("txBytes").GetUInt64(), s.GetProperty("txPackets").GetUInt64())));

    private static (ulong Octets, ulong Packets) Sum(List<FlowRecord> records, TrafficDirection direction)
    {
        var chosen = records.Where(r => r.Direction == direction).ToList();
        return (chosen.Aggregate(0UL, (sum, r) => sum + r.Octets), chosen.Aggregate(0UL, (sum, r) => sum + r.Packets));
    }

    private static FlowRecord Decode(byte[] encoded)
    {
        Assert.Equal(FlowRecordError.None, FlowRecordEncoding.TryDecode(encoded, out var record));
        return record;
    }
}
