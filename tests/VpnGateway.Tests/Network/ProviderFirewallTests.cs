using Oracle.Core.Policy;
using Oracle.Testing;
using VpnGateway.Network;

namespace VpnGateway.Tests.Network;

/// <summary>The provider's nftables table, checked by nft itself in a throwaway namespace.</summary>
public sealed class ProviderFirewallTests
{
    private static readonly ProviderFirewallSettings Exit = new()
    {
        TableName = "oracle_gw_test",
        Pool = IpPrefix.Parse("198.19.128.0/24"),
        DevicePrefix = "ogw",
        Forward = true,
        Masquerade = true,
        Uplink = "eth0",
        Exports = [IpPrefix.Parse("198.18.64.0/20"), IpPrefix.Parse("2001:db8::/32")],
    };

    [Fact]
    public async Task Rules_ForwardingOnOrOff_AcceptedByNft()
    {
        await using var ns = await NetworkNamespace.CreateAsync("gwnft");
        foreach (var settings in new[] { Exit, Exit with { Forward = false, Masquerade = false, Uplink = null, Exports = [] } })
        {
            var check = await ns.ExecAsync("sh", "-c", $"printf '%s' '{ProviderFirewall.Rules(settings)}' | nft -c -f -");
            Assert.True(check.ExitCode == 0, check.StandardError + ProviderFirewall.Rules(settings));
        }
    }

    [Fact]
    public void Rules_ForwardingOff_NothingForwardedFromOrToTheTunnelsAndNoNat()
    {
        var rules = ProviderFirewall.Rules(Exit with { Forward = false });

        Assert.Contains("iifname \"ogw*\" drop", rules, StringComparison.Ordinal);
        Assert.Contains("oifname \"ogw*\" drop", rules, StringComparison.Ordinal);
        Assert.Contains("iifname \"ogw*\" fib daddr type != local drop", rules, StringComparison.Ordinal);
        Assert.DoesNotContain("masquerade", rules, StringComparison.Ordinal);
    }

    [Fact]
    public void Rules_Exit_OutOfTheUplinkOrToExportsAndOnlyRepliesTowardsClients()
    {
        var rules = ProviderFirewall.Rules(Exit);

        Assert.Contains("iifname \"ogw*\" oifname != \"eth0\" ip daddr != @exports4 drop", rules, StringComparison.Ordinal);
        Assert.Contains("elements = { 198.18.64.0/20 }", rules, StringComparison.Ordinal);
        Assert.Contains("elements = { 2001:db8::/32 }", rules, StringComparison.Ordinal);
        Assert.True(rules.IndexOf("oifname \"ogw*\" ct state established,related accept", StringComparison.Ordinal)
            < rules.IndexOf("oifname \"ogw*\" ip daddr 198.19.128.0/24 drop", StringComparison.Ordinal));
        Assert.Contains("ip saddr 198.19.128.0/24 oifname \"eth0\" masquerade", rules, StringComparison.Ordinal);
    }
}
