using System.Net;
using Oracle.Core.Policy;
using VpnGateway.Tests.Doubles;
using VpnGateway.Tunnel;

namespace VpnGateway.Tests.Tunnel;

/// <summary>
/// IPv6 inside the tunnel (issue 15 §4) over in-memory devices: a provider with an IPv6 pool gives the session an
/// IPv6 tunnel address beside its IPv4 one, routes inner IPv6 to it, and enforces the session's policy on IPv6 as on
/// IPv4 (its LAN guarded, SMB denied, sources only the session's own). Addresses: 2001:2::/48 (RFC 5180).
/// </summary>
public sealed class Ipv6TunnelTests
{
    private const string Client6 = "2001:2:0:c8::2";
    private const string Gateway6 = "2001:2:0:c8::1";
    private const string Internet6 = "2001:2:0:100::1";
    private const string Lan6 = "2001:2:0:10::5";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static Task<TunnelHarness> ConnectedAsync(Action<TunnelHarness>? more = null) => TunnelHarness.ConnectedAsync(h =>
    {
        h.AddressPool6 = IpPrefix.Parse("2001:2:0:c8::/64");
        h.ClientRoutesEverything = true;
        more?.Invoke(h);
    });

    [Fact]
    public async Task Connect_ProviderWithIpv6Pool_ClientGetsBothAddressesAndRoutesEverythingOfBoth()
    {
        await using var h = await ConnectedAsync();

        Assert.Contains(h.ServerNetwork.Actions, a => a == $"address ogw1 {Gateway6}/64");
        Assert.Contains(h.ClientNetwork.Actions, a => a == "address orc1 198.19.0.2 peer 198.19.0.1");
        Assert.Contains(h.ClientNetwork.Actions, a => a == $"address orc1 {Client6} peer {Gateway6}");
        Assert.Contains(h.ClientNetwork.Actions, a => a == "route 0.0.0.0/1 dev orc1");
        Assert.Contains(h.ClientNetwork.Actions, a => a == "route ::/1 dev orc1");
        Assert.Contains(h.ClientNetwork.Actions, a => a == "route 8000::/1 dev orc1");
        Assert.Contains("orc1", h.ClientTuns.Ipv6Devices); // the client's device carries IPv6
        var started = Assert.Single(h.ServerObserver.Started);
        Assert.Equal(["198.19.0.2/32", $"{Client6}/128"], started.ClientPrefixes.Select(p => p.ToString()));
        var client = Assert.Single(h.ClientObserver.Started);
        Assert.Contains(IpPrefix.Parse($"{Client6}/128"), client.ClientPrefixes);
    }

    [Fact]
    public async Task Connect_Ipv6PacketsBothWays_RoutedByTheTableToTheSession()
    {
        await using var h = await ConnectedAsync();
        var outbound = Packets.Udp6(Client6, Internet6, 40000, 53);

        h.ClientTun.Inject(outbound);
        var atProvider = await h.ServerTun.NextWrittenAsync(Wait);
        var reply = Packets.Udp6(Internet6, Client6, 53, 40000, payload: 100);
        h.ServerTun.Inject(reply);
        var atClient = await h.ClientTun.NextWrittenAsync(Wait);

        Assert.Equal(outbound, atProvider);
        Assert.Equal(reply, atClient);
    }

    [Fact]
    public async Task Policy_Ipv6ToProviderLanAndSmb_DeniedAndCountedAsOnIpv4()
    {
        await using var h = await ConnectedAsync();
        var lan = Packets.Tcp6(Client6, Lan6, 40000, 80, 1, flags: 0x02);
        var gateway = Packets.Udp6(Client6, Gateway6, 40001, 53);
        var smb = Packets.Tcp6(Client6, Internet6, 40002, 445, 1, flags: 0x02);
        var fine = Packets.Tcp6(Client6, Internet6, 40003, 443, 1, flags: 0x02);

        h.ClientTun.Inject(lan);
        h.ClientTun.Inject(gateway);
        h.ClientTun.Inject(smb);
        h.ClientTun.Inject(fine);
        var written = await h.ServerTun.NextWrittenAsync(Wait);
        await TunnelHarness.Until(() => h.Denials.Denials.Count == 3, "three denials");

        Assert.Equal(fine, written);
        Assert.Equal(0, h.ServerTun.WrittenCount); // nothing besides it
        Assert.Equal(2, h.Denials.Denials.Count(d => d.Rule == PolicyDecision.ProviderGuardRuleId)); // the LAN and the gateway's own address
        Assert.Equal(1, h.Denials.Denials.Count(d => d.Rule == 1)); // no SMB
    }

    [Fact]
    public async Task SiteToSite_Ipv6LanRoutedToTheSession_BothWays()
    {
        const string SiteHost = "2001:2:0:20::5";
        await using var h = await ConnectedAsync(harness =>
        {
            harness.Sessions.Add(new VpnGateway.Providers.SessionRecord(TunnelHarness.PinnedSession, null, null, harness.Policy.Hash.ToArray(), true,
                harness.ClientKey.PublicKey, [IpPrefix.Parse("2001:2:0:20::/64")]));
            harness.ClientRoutes = [IpPrefix.Parse("0.0.0.0/0"), IpPrefix.Parse("::/0")];
        });
        var fromSite = Packets.Udp6(SiteHost, Internet6, 40000, 53);

        h.ClientTun.Inject(fromSite);
        var atProvider = await h.ServerTun.NextWrittenAsync(Wait);
        var toSite = Packets.Udp6(Internet6, SiteHost, 53, 40000);
        h.ServerTun.Inject(toSite);
        var atClient = await h.ClientTun.NextWrittenAsync(Wait);

        Assert.Equal(fromSite, atProvider);
        Assert.Equal(toSite, atClient);
        Assert.Contains(h.ServerNetwork.Actions, a => a == "route 2001:2:0:20::/64 dev ogw1");
        Assert.Contains(IpPrefix.Parse("2001:2:0:20::/64"), Assert.Single(h.ServerObserver.Started).ClientPrefixes);
    }

    [Fact]
    public async Task Receive_Ipv6FromAnotherAddress_DroppedAsSpoofed()
    {
        await using var h = await ConnectedAsync();

        h.ClientTun.Inject(Packets.Udp6("2001:2:0:c8::3", Internet6, 40000, 53)); // another session's IPv6 tunnel address
        h.ClientTun.Inject(Packets.Udp6("2001:2:0:99::2", Internet6, 40000, 53)); // outside the pool
        h.ClientTun.Inject(Packets.Udp6(Lan6, Internet6, 40000, 53));             // the provider's LAN
        await TunnelHarness.Until(() => h.Server.Drops[DropReason.SourceNotAllowed] == 3, "spoofed IPv6 sources dropped");

        Assert.Equal(0, h.ServerTun.WrittenCount);
        Assert.Empty(h.Denials.Denials);
    }

    [Fact]
    public async Task Connect_ProviderWithoutIpv6_ClientIpv6RouteKeptInTheTunnelAndDroppedThere()
    {
        await using var h = await TunnelHarness.ConnectedAsync(harness => harness.ClientRoutes = [IpPrefix.Parse("0.0.0.0/0"), IpPrefix.Parse("::/0")]);

        h.ClientTun.Inject(Packets.Udp6("2001:2:0:7::2", Internet6, 40000, 53));
        await TunnelHarness.Until(() => h.Server.Drops[DropReason.SourceNotAllowed] == 1, "IPv6 without an IPv6 tunnel address dropped at the provider");

        Assert.DoesNotContain(h.ClientNetwork.Actions, a => a.StartsWith("address orc1 2001", StringComparison.Ordinal));
        Assert.Contains(h.ClientNetwork.Actions, a => a == "route ::/1 dev orc1");
        Assert.Contains("orc1", h.ClientTuns.Ipv6Devices); // IPv6 routed into the device: it carries IPv6 (no leak outside the tunnel)
        Assert.Equal(0, h.ServerTun.WrittenCount);
    }

    [Fact]
    public async Task Connect_ProviderWithoutIpv6AndDefaultRoutes_Ipv4Only()
    {
        await using var h = await TunnelHarness.ConnectedAsync(harness => harness.ClientRoutesEverything = true);

        Assert.DoesNotContain(h.ClientNetwork.Actions, a => a.Contains("::", StringComparison.Ordinal));
        Assert.DoesNotContain("orc1", h.ClientTuns.Ipv6Devices);
    }

    [Fact]
    public async Task Connect_ProviderIpv6AddressInsideClientsNetwork_Refused()
    {
        await using var h = await TunnelHarness.StartServerAsync(harness => harness.AddressPool6 = IpPrefix.Parse("2001:2:0:c8::/64"));
        var client = h.CreateClient(h.ClientKey, h.ServerKey.PublicKey, TunnelHarness.PinnedSession, null, localNetworks: [IpPrefix.Parse("2001:2:0:c8::/64")]);

        var refused = await Assert.ThrowsAsync<HandshakeRejectedException>(() => client.ConnectAsync(CancellationToken.None).WaitAsync(Wait));

        Assert.Contains("IPv6 tunnel address 2001:2:0:c8::2 lies inside this host's network 2001:2:0:c8::/64", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_ProviderIpv6WithMtuBelow1280_Refused()
    {
        await using var h = await TunnelHarness.StartServerAsync(harness =>
        {
            harness.AddressPool6 = IpPrefix.Parse("2001:2:0:c8::/64");
            harness.Options.Mtu = 1200;
        });
        var client = h.CreateClient(h.ClientKey, h.ServerKey.PublicKey, TunnelHarness.PinnedSession, null);

        var refused = await Assert.ThrowsAsync<HandshakeRejectedException>(() => client.ConnectAsync(CancellationToken.None).WaitAsync(Wait));

        Assert.Contains("IPv6 tunnel address with a tunnel MTU of 1200, below IPv6's minimum of 1280", refused.Message, StringComparison.Ordinal);
        Assert.Empty(h.ClientTuns.Devices);
    }
}
