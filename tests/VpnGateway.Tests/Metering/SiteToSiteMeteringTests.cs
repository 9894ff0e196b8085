using System.Globalization;
using Oracle.Chain.Keys;
using Oracle.Core.Evidence;
using Oracle.Core.Policy;
using Oracle.Testing;
using VpnGateway.Tests.Integration;
using VpnGateway.Tests.Metering.Support;

namespace VpnGateway.Tests.Metering;

/// <summary>
/// Site-to-site with metering on both gateways: company B's LAN (198.18.20.0/24, behind the client gateway) and the
/// provider's LAN (198.18.3.0/24) reach each other through the tunnel. Both gateways must call a packet towards B's LAN
/// inbound and one towards the provider's LAN outbound, whichever side started the conversation; otherwise the client
/// finds the provider's records naming flows it never saw and disputes every epoch.
/// </summary>
public sealed class SiteToSiteMeteringTests
{
    private const string LanHost = "198.18.3.10";
    private const string SiteBHost = "198.18.20.10";

    [Fact]
    public async Task SiteToSite_TrafficStartedOnEitherLan_BothGatewaysAgreeOnDirectionAndTheClientPays()
    {
        await using var net = await MeteredTunnel.CreateAsync("mss", clients: 1);
        var lan = await net.AddNamespaceAsync("mssl");
        var siteB = await net.AddNamespaceAsync("mssb");
        await NetworkNamespace.ConnectAsync(net.Provider, "198.18.3.1/24", lan, LanHost + "/24");
        await NetworkNamespace.ConnectAsync(net.Clients[0], "198.18.20.1/24", siteB, SiteBHost + "/24");
        (await lan.ExecAsync("ip", "route", "add", "198.18.20.0/24", "via", "198.18.3.1")).EnsureSuccess();
        (await siteB.ExecAsync("ip", "route", "add", "198.18.3.0/24", "via", "198.18.20.1")).EnsureSuccess();
        var file = new byte[256 << 10];
        new Random(7).NextBytes(file);
        net.Keep(TinyHttpServer.Start(lan, LanHost, 8080, new Dictionary<string, byte[]> { ["file.bin"] = file }));
        var policy = Path.Combine(net.Folder, "site.json");
        await File.WriteAllTextAsync(policy, """
            { "version": 1, "defaultAction": "deny", "exports": ["198.18.3.0/24"],
              "rules": [ { "id": 1, "action": "deny", "protocol": "tcp", "ports": ["445", "139"] },
                         { "id": 10, "action": "allow", "networks": ["198.18.3.0/24"] } ] }
            """);

        var session = SignedBatches.UniqueSessionId() % 1_000_000_000;
        var provider = DevelopmentKeys.Key(36);
        var client = DevelopmentKeys.Key(37);
        var providerTunnel = net.TunnelKey("provider");
        var serve = net.Start(net.Provider, "provider", "serve", net.ProviderConfig(net.EthereumKey("provider", provider),
            [new { Id = session, TunnelKey = net.TunnelKey("siteb"), Client = client.GetPublicAddress(), Policy = policy, Routes = new[] { "198.18.20.0/24" } }],
            new { Serve = new { Exit = new { Masquerade = false } } }));
        await GatewayNetwork.WaitForLog(net.Log("provider"), "serving on", TimeSpan.FromSeconds(60));
        var connect = net.Start(net.Clients[0], "siteb", "connect", net.ClientConfig(0, "siteb", net.EthereumKey("siteb", client), session, providerTunnel,
            provider.GetPublicAddress(), new { Connect = new { Forward = true } }, routes: ["198.18.3.0/24"]));
        await GatewayNetwork.WaitForLog(net.Log("siteb"), $"connected: session {session}", TimeSpan.FromSeconds(60));
        Assert.Contains("198.18.20.0/24", net.LogText("siteb"), StringComparison.Ordinal); // the client counts its LAN as its side

        // B's host fetches from the provider's LAN; the provider's LAN host pings B's host (a conversation started on A's side).
        var curl = await siteB.ExecAsync(TimeSpan.FromSeconds(30), "curl", "-s", "-o", "/dev/null", "-w", "%{size_download}", $"http://{LanHost}:8080/file.bin");
        Assert.Equal(file.Length.ToString(CultureInfo.InvariantCulture), curl.EnsureSuccess().StandardOutput.Trim());
        (await lan.ExecAsync(TimeSpan.FromSeconds(20), "ping", "-c", "5", "-i", "0.2", "-W", "2", SiteBHost)).EnsureSuccess();

        // Every flow idles out and is checkpointed; the client must have paid every epoch (no dispute).
        await MeteredTunnel.UntilAsync(async () =>
        {
            var metrics = await MeteredTunnel.MetricsAsync(net.Provider, MeteredTunnel.ProviderMetrics);
            return MeteredTunnel.Metric(metrics, "oracle_vpngateway_metering_checkpoints") >= 1
                && MeteredTunnel.Metric(metrics, "oracle_vpngateway_metering_vouchers_accepted") >= MeteredTunnel.Metric(metrics, "oracle_vpngateway_metering_checkpoints")
                && MeteredTunnel.Metric(metrics, "oracle_vpngateway_metering_records") >= 4; // the download and the pings, each way
        }, TimeSpan.FromSeconds(30), () => net.LogText("siteb"));
        var clientMetrics = await MeteredTunnel.MetricsAsync(net.Clients[0], MeteredTunnel.ClientMetrics);
        Assert.Equal(0, MeteredTunnel.Metric(clientMetrics, "oracle_vpngateway_metering_provider_mismatches"));
        Assert.Equal(0, MeteredTunnel.Metric(clientMetrics, "oracle_vpngateway_metering_epochs_rejected"));
        await MeteredTunnel.TerminateAsync(connect);
        await MeteredTunnel.TerminateAsync(serve);

        var entries = net.ProviderSpoolEntries().Where(e => e.SessionId == session).ToList();
        var batches = entries.Select(e => e.Batch!).ToList();
        Assert.All(batches, b => Assert.NotNull(b.Voucher));
        Assert.All(batches, b => Assert.Null(b.Rejection));
        var records = entries.SelectMany(e => e.Records).Select(Decode).ToList();
        var toLan = records.Where(r => Is(r.DestinationAddress, LanHost) && Is(r.SourceAddress, SiteBHost)).ToList();
        var toSiteB = records.Where(r => Is(r.DestinationAddress, SiteBHost) && Is(r.SourceAddress, LanHost)).ToList();
        Assert.Contains(toLan, r => r.Protocol == 6 && r.DestinationPort == 8080);
        Assert.Contains(toSiteB, r => r.Protocol == 1); // the LAN host's echo requests
        Assert.All(toLan, r => Assert.Equal(TrafficDirection.Outbound, r.Direction));
        Assert.All(toSiteB, r => Assert.Equal(TrafficDirection.Inbound, r.Direction));
        Assert.All(records, r => Assert.Equal(FlowVerdict.Allowed, r.Verdict));
        var download = toSiteB.Where(r => r.SourcePort == 8080).Sum(r => (long)r.PayloadOctets);
        Assert.InRange(download, file.Length, file.Length + (file.Length / 100));
    }

    private static bool Is(UInt128 address, string text) => IpNumber.ToIPAddress(address, false).ToString() == text;

    private static FlowRecord Decode(byte[] encoded)
    {
        Assert.Equal(FlowRecordError.None, FlowRecordEncoding.TryDecode(encoded, out var record));
        return record;
    }
}
