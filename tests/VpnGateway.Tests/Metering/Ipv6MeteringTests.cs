using System.Net;
using Oracle.Chain.Keys;
using Oracle.Core.Evidence;
using Oracle.Core.Policy;
using Oracle.Testing;
using VpnGateway.Tests.Integration;
using VpnGateway.Tests.Metering.Support;

namespace VpnGateway.Tests.Metering;

/// <summary>
/// IPv6 inside the tunnel on real TUN devices, nftables and metering (issue 15 §4): a provider with Serve:AddressPool6
/// and exit NAT, a client with the default routes (everything, so ::/0 too once it has an IPv6 tunnel address), an
/// IPv6 internet host behind the provider's uplink and an IPv6 host on the provider's LAN; and a site-to-site link
/// between two IPv6 LANs. Addresses: 2001:2::/48 (RFC 5180) and 198.18.0.0/15, only inside the test's namespaces.
/// </summary>
public sealed class Ipv6MeteringTests
{
    private const string ClientTunnelAddress = "198.19.210.2";
    private const string Pool6 = "2001:2:0:d2::/64";
    private const string ClientTunnelAddress6 = "2001:2:0:d2::2"; // the IPv6 pool's address with the IPv4 one's host number
    private const string LanHost6 = "2001:2:0:3::10";
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Ipv6Exit_ServerReachedLanDeniedSmbDenied_RecordsCarryTheSessionsIpv6Addresses()
    {
        await using var net = await MeteredTunnel.CreateAsync("m6", clients: 1);
        await net.EnableIpv6Async();
        var lan = await net.AddNamespaceAsync("m6l");
        var (providerLan, lanLink) = await NetworkNamespace.ConnectAsync(net.Provider, "198.18.3.1/24", lan, "198.18.3.10/24");
        await MeteredTunnel.AddAddress6Async(net.Provider, providerLan, "2001:2:0:3::1/64");
        await MeteredTunnel.AddAddress6Async(lan, lanLink, LanHost6 + "/64");
        // Without the provider's guard the LAN host would answer the client: it routes the IPv6 pool back through the provider.
        (await lan.ExecAsync("ip", "-6", "route", "add", Pool6, "via", "2001:2:0:3::1")).EnsureSuccess();
        var big = new byte[8 << 20];
        new Random(6).NextBytes(big);
        var files = new Dictionary<string, byte[]> { ["hello.txt"] = "hello over IPv6\n"u8.ToArray(), ["big.bin"] = big };
        net.Keep(TinyHttpServer.Start(net.Internet, MeteredTunnel.InternetHost6, 8080, files));
        net.Keep(TinyHttpServer.Start(net.Internet, MeteredTunnel.InternetHost6, 445, new Dictionary<string, byte[]>()));
        net.Keep(TinyHttpServer.Start(lan, LanHost6, 8080, files));

        var session = SignedBatches.UniqueSessionId() % 1_000_000_000;
        var provider = DevelopmentKeys.Key(46);
        var client = DevelopmentKeys.Key(47);
        var providerTunnel = net.TunnelKey("provider");
        var serve = net.Start(net.Provider, "provider", "serve", net.ProviderConfig(net.EthereumKey("provider", provider),
            [new { Id = session, TunnelKey = net.TunnelKey("client"), Client = client.GetPublicAddress(), Policy = net.ExitPolicy, Address = ClientTunnelAddress }],
            new { Serve = new { AddressPool6 = Pool6 } }));
        await GatewayNetwork.WaitForLog(net.Log("provider"), "serving on", TimeSpan.FromSeconds(60));
        var connect = net.Start(net.Clients[0], "client", "connect",
            net.ClientConfig(0, "client", net.EthereumKey("client", client), session, providerTunnel, provider.GetPublicAddress(), routes: []));
        await GatewayNetwork.WaitForLog(net.Log("client"), $"connected: session {session}", TimeSpan.FromSeconds(60));
        Assert.Contains($"address {ClientTunnelAddress} and {ClientTunnelAddress6}", net.LogText("client"), StringComparison.Ordinal);
        // Steady IPv6 traffic: every epoch has a checkpoint for the client to check and pay.
        net.Clients[0].StartProcess(net.Log("ping"), "ping", "-6", "-i", "0.2", MeteredTunnel.InternetHost6);
        var before = await GatewayNetwork.StatusAsync(net.Provider, MeteredTunnel.ProviderMetrics);

        // The IPv6 internet host through the exit (NAT66 behind the uplink), IPv4 beside it.
        var ping = await net.Clients[0].ExecAsync(Short, "ping", "-6", "-c", "3", "-i", "0.2", "-W", "2", MeteredTunnel.InternetHost6);
        var curl = await net.Clients[0].ExecAsync(Short, "curl", "-g", "-s", "--max-time", "10", $"http://[{MeteredTunnel.InternetHost6}]:8080/hello.txt");
        // 8 MiB over IPv6: TCP super-packets (TSO6/GRO) through the offloads, cut and checksummed as IPv6.
        var download = await net.Clients[0].ExecAsync(TimeSpan.FromSeconds(60), "sh", "-c",
            $"curl -g -s --max-time 40 http://[{MeteredTunnel.InternetHost6}]:8080/big.bin | sha256sum");
        var ping4 = await net.Clients[0].ExecAsync(Short, "ping", "-c", "2", "-i", "0.2", "-W", "2", MeteredTunnel.InternetHost);

        // The provider's IPv6 LAN and its own uplink address: denied by the guard; SMB over IPv6: denied by rule 1.
        var lanPing = await net.Clients[0].ExecAsync(Short, "ping", "-6", "-c", "2", "-W", "1", LanHost6);
        var lanCurl = await net.Clients[0].ExecAsync(Short, "curl", "-g", "-s", "--max-time", "3", $"http://[{LanHost6}]:8080/hello.txt");
        var uplink = await net.Clients[0].ExecAsync(Short, "ping", "-6", "-c", "1", "-W", "1", MeteredTunnel.ProviderUplink6);
        var smb = await net.Clients[0].ExecAsync(Short, "timeout", "4", "bash", "-c", $"echo > /dev/tcp/{MeteredTunnel.InternetHost6}/445");
        var after = await GatewayNetwork.StatusAsync(net.Provider, MeteredTunnel.ProviderMetrics);

        Assert.True(ping.ExitCode == 0, ping.StandardOutput + ping.StandardError + net.LogText("provider"));
        Assert.Equal("hello over IPv6\n", curl.StandardOutput);
        Assert.StartsWith(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(big)), download.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, ping4.ExitCode);
        Assert.NotEqual(0, lanPing.ExitCode);
        Assert.NotEqual(0, lanCurl.ExitCode);
        Assert.NotEqual(0, uplink.ExitCode);
        Assert.NotEqual(0, smb.ExitCode);
        var guard = GatewayNetwork.Denials(after, PolicyDecision.ProviderGuardRuleId) - GatewayNetwork.Denials(before, PolicyDecision.ProviderGuardRuleId);
        Assert.True(guard >= 4, $"provider-guard denials: {guard}"); // two pings, at least one SYN, one ping
        Assert.True(GatewayNetwork.Denials(after, 1) > GatewayNetwork.Denials(before, 1), $"rule 1 (no SMB) counted no denial (exit {smb.ExitCode}: {smb.StandardError}); status {after}");
        var status = Assert.Single(after.GetProperty("sessions").EnumerateArray());
        Assert.Contains($"{ClientTunnelAddress6}/128", status.GetProperty("clientPrefixes").EnumerateArray().Select(p => p.GetString()));

        // Every epoch checkpointed and paid, the IPv6 ones too; then the provider's evidence.
        var vouchers = await VouchersAsync(net);
        await MeteredTunnel.UntilAsync(async () => await VouchersAsync(net) >= vouchers + 3, TimeSpan.FromSeconds(30), () => net.LogText("provider"));
        await MeteredTunnel.TerminateAsync(connect);
        await MeteredTunnel.TerminateAsync(serve);

        var entries = net.ProviderSpoolEntries().Where(e => e.SessionId == session).ToList();
        var records = entries.SelectMany(e => e.Records).Select(r => FlowRecordEncoding.TryDecode(r, out var d) == FlowRecordError.None ? d : throw new InvalidDataException()).ToList();
        var v6 = records.Where(r => r.IpVersion == 6).ToList();
        var client6 = IPAddress.Parse(ClientTunnelAddress6);
        var internet6 = Number(MeteredTunnel.InternetHost6);
        Assert.All(records, r => Assert.Equal(session, r.SessionId));
        Assert.All(v6, r => Assert.Equal(client6, r.Direction == TrafficDirection.Outbound ? r.Source : r.Destination));

        // Allowed both ways with the internet host: ICMPv6 echo and the HTTP connection (16-byte addresses in the records).
        Assert.Contains(v6, r => (r.Verdict, r.Direction, r.Protocol, r.DestinationAddress) == (FlowVerdict.Allowed, TrafficDirection.Outbound, (byte)58, internet6));
        Assert.Contains(v6, r => (r.Verdict, r.Direction, r.Protocol, r.SourceAddress) == (FlowVerdict.Allowed, TrafficDirection.Inbound, (byte)58, internet6));
        Assert.Contains(v6, r => (r.Verdict, r.Direction, r.Protocol, r.DestinationPort, r.DestinationAddress) == (FlowVerdict.Allowed, TrafficDirection.Outbound, (byte)6, (ushort)8080, internet6));
        Assert.Contains(v6, r => (r.Verdict, r.Direction, r.Protocol, r.SourcePort, r.SourceAddress) == (FlowVerdict.Allowed, TrafficDirection.Inbound, (byte)6, (ushort)8080, internet6));

        // The download billed as IPv6: at least the file's bytes inbound from the server's port 8080.
        var downloaded = v6.Where(r => (r.Verdict, r.Direction, r.Protocol, r.SourcePort) == (FlowVerdict.Allowed, TrafficDirection.Inbound, (byte)6, (ushort)8080))
            .Aggregate(0UL, (sum, r) => sum + r.PayloadOctets);
        Assert.True(downloaded >= (ulong)big.Length, $"IPv6 HTTP payload recorded: {downloaded} bytes");

        // Denied: the LAN and the provider's uplink address by the guard, SMB by rule 1; none of it reached them.
        var denied = v6.Where(r => r.Verdict == FlowVerdict.Denied).ToList();
        Assert.Contains(denied, r => r.Destination.Equals(IPAddress.Parse(LanHost6)) && r.RuleId == PolicyDecision.ProviderGuardRuleId);
        Assert.Contains(denied, r => r.Destination.Equals(IPAddress.Parse(MeteredTunnel.ProviderUplink6)) && r.RuleId == PolicyDecision.ProviderGuardRuleId);
        Assert.Contains(denied, r => r.DestinationAddress == internet6 && r.DestinationPort == 445 && r.RuleId == 1);
        Assert.DoesNotContain(v6, r => r.Verdict == FlowVerdict.Allowed && r.Source.Equals(IPAddress.Parse(LanHost6)));
        Assert.Contains(records, r => r.IpVersion == 4 && r.Destination.Equals(IPAddress.Parse(MeteredTunnel.InternetHost)));
        Assert.All(entries, e => Assert.NotNull(e.Batch!.Voucher)); // the client checked and paid every epoch, IPv6 flows included
        Assert.All(entries, e => Assert.Null(e.Batch!.Rejection));
    }

    // A record's 16-byte address as a number (IPv6 as is).
    private static UInt128 Number(string address) => System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(IPAddress.Parse(address).GetAddressBytes());

    [Fact]
    public async Task Ipv6SiteToSite_LansReachEachOther_RecordsCarryBothLansAddressesAndTheClientPays()
    {
        const string SiteBHost6 = "2001:2:0:20::10";
        await using var net = await MeteredTunnel.CreateAsync("m6s", clients: 1);
        var lan = await net.AddNamespaceAsync("m6sl");
        var siteB = await net.AddNamespaceAsync("m6sb");
        var (providerLan, lanLink) = await NetworkNamespace.ConnectAsync(net.Provider, "198.18.3.1/24", lan, "198.18.3.10/24");
        var (siteBGateway, siteBLink) = await NetworkNamespace.ConnectAsync(net.Clients[0], "198.18.20.1/24", siteB, "198.18.20.10/24");
        await MeteredTunnel.AddAddress6Async(net.Provider, providerLan, "2001:2:0:3::1/64");
        await MeteredTunnel.AddAddress6Async(lan, lanLink, LanHost6 + "/64");
        await MeteredTunnel.AddAddress6Async(net.Clients[0], siteBGateway, "2001:2:0:20::1/64");
        await MeteredTunnel.AddAddress6Async(siteB, siteBLink, SiteBHost6 + "/64");
        (await lan.ExecAsync("ip", "-6", "route", "add", "2001:2:0:20::/64", "via", "2001:2:0:3::1")).EnsureSuccess();
        (await siteB.ExecAsync("ip", "-6", "route", "add", "2001:2:0:3::/64", "via", "2001:2:0:20::1")).EnsureSuccess();
        net.Keep(TinyHttpServer.Start(lan, LanHost6, 8080, new Dictionary<string, byte[]> { ["hello.txt"] = "hello from LAN A\n"u8.ToArray() }));
        var policy = Path.Combine(net.Folder, "site.json");
        await File.WriteAllTextAsync(policy, """
            { "version": 1, "defaultAction": "deny", "exports": ["2001:2:0:3::/64"],
              "rules": [ { "id": 1, "action": "deny", "protocol": "tcp", "ports": ["445", "139"] },
                         { "id": 10, "action": "allow", "networks": ["2001:2:0:3::/64"] } ] }
            """);

        var session = SignedBatches.UniqueSessionId() % 1_000_000_000;
        var provider = DevelopmentKeys.Key(48);
        var client = DevelopmentKeys.Key(49);
        var providerTunnel = net.TunnelKey("provider");
        var serve = net.Start(net.Provider, "provider", "serve", net.ProviderConfig(net.EthereumKey("provider", provider),
            [new { Id = session, TunnelKey = net.TunnelKey("siteb"), Client = client.GetPublicAddress(), Policy = policy, Routes = new[] { "2001:2:0:20::/64" } }],
            new { Serve = new { AddressPool6 = Pool6, Exit = new { Masquerade = false } } }));
        await GatewayNetwork.WaitForLog(net.Log("provider"), "serving on", TimeSpan.FromSeconds(60));
        var connect = net.Start(net.Clients[0], "siteb", "connect", net.ClientConfig(0, "siteb", net.EthereumKey("siteb", client), session, providerTunnel,
            provider.GetPublicAddress(), new { Connect = new { Forward = true } }, routes: ["2001:2:0:3::/64"]));
        await GatewayNetwork.WaitForLog(net.Log("siteb"), $"connected: session {session}", TimeSpan.FromSeconds(60));
        Assert.Contains("2001:2:0:20::/64", net.LogText("siteb"), StringComparison.Ordinal); // the client counts its IPv6 LAN as its side

        // B's host fetches from A's LAN host; A's LAN host pings B's host (a conversation started on A's side).
        var curl = await siteB.ExecAsync(Short, "curl", "-g", "-s", "--max-time", "10", $"http://[{LanHost6}]:8080/hello.txt");
        var ping = await lan.ExecAsync(Short, "ping", "-6", "-c", "5", "-i", "0.2", "-W", "2", SiteBHost6);
        Assert.Equal("hello from LAN A\n", curl.StandardOutput);
        Assert.True(ping.ExitCode == 0, ping.StandardOutput + net.LogText("siteb"));

        await MeteredTunnel.UntilAsync(async () =>
        {
            var metrics = await MeteredTunnel.MetricsAsync(net.Provider, MeteredTunnel.ProviderMetrics);
            return MeteredTunnel.Metric(metrics, "oracle_vpngateway_metering_checkpoints") >= 1
                && MeteredTunnel.Metric(metrics, "oracle_vpngateway_metering_vouchers_accepted") >= MeteredTunnel.Metric(metrics, "oracle_vpngateway_metering_checkpoints")
                && MeteredTunnel.Metric(metrics, "oracle_vpngateway_metering_records") >= 4; // the fetch and the pings, each way
        }, TimeSpan.FromSeconds(30), () => net.LogText("siteb"));
        var clientMetrics = await MeteredTunnel.MetricsAsync(net.Clients[0], MeteredTunnel.ClientMetrics);
        Assert.Equal(0, MeteredTunnel.Metric(clientMetrics, "oracle_vpngateway_metering_provider_mismatches"));
        Assert.Equal(0, MeteredTunnel.Metric(clientMetrics, "oracle_vpngateway_metering_epochs_rejected"));
        await MeteredTunnel.TerminateAsync(connect);
        await MeteredTunnel.TerminateAsync(serve);

        var entries = net.ProviderSpoolEntries().Where(e => e.SessionId == session).ToList();
        Assert.All(entries, e => Assert.NotNull(e.Batch!.Voucher));
        var records = entries.SelectMany(e => e.Records).Select(r => FlowRecordEncoding.TryDecode(r, out var d) == FlowRecordError.None ? d : throw new InvalidDataException()).ToList();
        var toLan = records.Where(r => r.DestinationAddress == Number(LanHost6) && r.SourceAddress == Number(SiteBHost6)).ToList();
        var toSiteB = records.Where(r => r.DestinationAddress == Number(SiteBHost6) && r.SourceAddress == Number(LanHost6)).ToList();
        Assert.Contains(toLan, r => r.Protocol == 6 && r.DestinationPort == 8080);
        Assert.Contains(toSiteB, r => r.Protocol == 58); // the LAN host's echo requests
        Assert.All(toLan, r => Assert.Equal((TrafficDirection.Outbound, (byte)6), (r.Direction, r.IpVersion)));
        Assert.All(toSiteB, r => Assert.Equal((TrafficDirection.Inbound, (byte)6), (r.Direction, r.IpVersion)));
        Assert.All(records, r => Assert.Equal(FlowVerdict.Allowed, r.Verdict));
    }

    private static async Task<double> VouchersAsync(MeteredTunnel net)
        => MeteredTunnel.Metric(await MeteredTunnel.MetricsAsync(net.Provider, MeteredTunnel.ProviderMetrics), "oracle_vpngateway_metering_vouchers_accepted");
}
