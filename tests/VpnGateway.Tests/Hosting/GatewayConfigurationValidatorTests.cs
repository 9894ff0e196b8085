using VpnGateway.Hosting;
using VpnGateway.Sessions;

namespace VpnGateway.Tests.Hosting;

/// <summary>The configuration checks of IPv6 inside the tunnel (Serve:AddressPool6, IPv6 routes).</summary>
public sealed class GatewayConfigurationValidatorTests
{
    [Theory]
    [InlineData("2001:2:0:c8::/64")]
    [InlineData("fd00:198:18::/120")] // as many addresses as the /24 IPv4 pool: enough
    public void Validate_Ipv6PoolOfTheRightSize_Accepted(string pool6)
        => Assert.Empty(Errors(Provider(pool6), "Serve:AddressPool6"));

    [Theory]
    [InlineData("198.18.64.0/24", "Serve:AddressPool6 198.18.64.0/24: an IPv6 prefix (the IPv4 pool is Serve:AddressPool)")]
    [InlineData("fd00:198:18::/121", "Serve:AddressPool6 fd00:198:18::/121 is smaller than Serve:AddressPool 198.19.200.0/24: a session's IPv6 address has its IPv4 address's host number, so /120 or larger")]
    [InlineData("fe80::/64", "Serve:AddressPool6 fe80::/64: a global unicast or unique local (fc00::/7) prefix, not a loopback, link-local, multicast or IPv4-mapped one")]
    [InlineData("ff02::/64", "Serve:AddressPool6 ff02::/64: a global unicast or unique local (fc00::/7) prefix, not a loopback, link-local, multicast or IPv4-mapped one")]
    [InlineData("::/0", "Serve:AddressPool6 ::/0: a global unicast or unique local (fc00::/7) prefix, not a loopback, link-local, multicast or IPv4-mapped one")]
    [InlineData("2001:2::/129", "Serve:AddressPool6: ")]
    public void Validate_Ipv6PoolOfTheWrongFamilySizeOrScope_OneErrorSaysWhy(string pool6, string error)
        => Assert.StartsWith(error, Assert.Single(Errors(Provider(pool6), "Serve:AddressPool6")), StringComparison.Ordinal);

    [Fact]
    public void Validate_Ipv6PoolWithMtuBelow1280_Refused()
    {
        var config = Provider("2001:2:0:c8::/64");
        config.Tunnel.Mtu = 1200;

        Assert.Equal("Serve:AddressPool6 2001:2:0:c8::/64 with Tunnel:Mtu 1200: IPv6 needs a link MTU of at least 1280; raise Tunnel:Mtu or remove Serve:AddressPool6",
            Assert.Single(Errors(config, "Serve:AddressPool6")));
    }

    [Fact]
    public void Validate_PinnedIpv6RouteWithoutIpv6Pool_Refused()
    {
        var config = Provider(null);
        config.Directory.Sessions.Add(new PinnedSession { Id = 2, TunnelKey = Convert.ToBase64String(new byte[32]), PolicyHash = new string('a', 64), Routes = ["2001:2:0:20::/64"] });

        Assert.Equal("Directory:Sessions:0:Routes: 2001:2:0:20::/64 is IPv6, but the gateway carries IPv6 only with Serve:AddressPool6 set",
            Assert.Single(Errors(config, "Routes")));
    }

    [Fact]
    public void Validate_PinnedIpv6RouteWithIpv6Pool_Accepted()
    {
        var config = Provider("2001:2:0:c8::/64");
        config.Directory.Sessions.Add(new PinnedSession { Id = 2, TunnelKey = Convert.ToBase64String(new byte[32]), PolicyHash = new string('a', 64), Routes = ["2001:2:0:20::/64"] });

        Assert.Empty(Errors(config, "Routes"));
    }

    [Fact]
    public void Validate_ClientIpv6Routes_Accepted()
    {
        var config = new GatewayConfiguration();
        config.Connect.Routes.AddRange(["0.0.0.0/0", "::/0", "2001:2:0:20::/64"]);

        Assert.Empty(Errors(config, "Connect:Routes", GatewayRole.Client));
    }

    private static GatewayConfiguration Provider(string? pool6)
    {
        var config = new GatewayConfiguration();
        config.Serve.AddressPool = "198.19.200.0/24";
        config.Serve.AddressPool6 = pool6;
        return config;
    }

    private static List<string> Errors(GatewayConfiguration config, string key, GatewayRole role = GatewayRole.Provider)
        => [.. GatewayConfigurationValidator.Validate(config, role).Where(e => e.Contains(key, StringComparison.Ordinal))];
}
