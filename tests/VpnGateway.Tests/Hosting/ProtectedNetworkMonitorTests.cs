using Microsoft.Extensions.Logging.Abstractions;
using Oracle.Core.Policy;
using VpnGateway.Hosting;
using VpnGateway.Tests.Doubles;
using VpnGateway.Tunnel;

namespace VpnGateway.Tests.Hosting;

/// <summary>Networks that appear on the provider host after start (issue 10, item 14), without the kernel parts.</summary>
public sealed class ProtectedNetworkMonitorTests
{
    private static readonly IpPrefix Lan = IpPrefix.Parse("198.18.10.0/24");

    [Fact]
    public async Task Refresh_NewSubnetAndAddress_ProtectedOnceAndNeverDropped()
    {
        var host = new List<IpPrefix> { Lan, IpPrefix.Parse("198.18.10.1/32") };
        var protectedNow = new List<IReadOnlyCollection<IpPrefix>>();
        await using var monitor = new ProtectedNetworkMonitor(host, () => host, (added, _) =>
        {
            protectedNow.Add(added);
            return Task.CompletedTask;
        }, NullLogger.Instance);

        Assert.Empty(await monitor.RefreshAsync(CancellationToken.None));
        host.AddRange([IpPrefix.Parse("198.18.77.0/24"), IpPrefix.Parse("198.18.77.1/32"), IpPrefix.Parse("198.18.10.9/32")]);
        var added = await monitor.RefreshAsync(CancellationToken.None);
        host.RemoveAll(p => p.ToString().StartsWith("198.18.77.", StringComparison.Ordinal)); // the bridge goes away again
        var again = await monitor.RefreshAsync(CancellationToken.None);

        Assert.Equal([IpPrefix.Parse("198.18.77.0/24")], added); // the host address lies inside it; 198.18.10.9 inside the LAN
        Assert.Empty(again);
        Assert.Single(protectedNow);
    }

    [Fact]
    public async Task AddProviderNetworks_ASessionStartingAfterwards_HasItInItsGuardAndSessionInfo()
    {
        await using var h = await TunnelHarness.StartServerAsync();
        h.Server.AddProviderNetworks([IpPrefix.Parse("198.18.77.0/24")]);
        await h.ConnectClientAsync(h.ClientKey, h.ServerKey.PublicKey, TunnelHarness.PinnedSession, null);
        await TunnelHarness.Until(() => h.Client.SessionInfo is not null, "SessionInfo");

        h.ClientTun.Inject(Packets.Udp("198.19.0.2", "198.18.77.5", 40000, 53));
        await TunnelHarness.Until(() => h.Server.Drops[DropReason.PolicyDenied] == 1, "the new network denied");

        Assert.Contains("198.18.77.0/24", h.Client.SessionInfo!.ProviderNetworks);
        Assert.Equal(PolicyDecision.ProviderGuardRuleId, Assert.Single(h.Denials.Denials).Rule);
    }

    [Fact]
    public async Task AddProviderNetworks_ARunningSession_KeepsTheContextItWasTold()
    {
        await using var h = await TunnelHarness.ConnectedAsync();
        await TunnelHarness.Until(() => h.Client.SessionInfo is not null, "SessionInfo");

        h.Server.AddProviderNetworks([IpPrefix.Parse("198.18.77.0/24")]);
        h.ClientTun.Inject(Packets.Udp("198.19.0.2", "198.18.77.5", 40000, 53));
        await h.ServerTun.NextWrittenAsync(TimeSpan.FromSeconds(10)); // the kernel's firewall drops it on a real host

        Assert.DoesNotContain("198.18.77.0/24", h.Client.SessionInfo!.ProviderNetworks);
        Assert.Empty(h.Denials.Denials);
    }
}
