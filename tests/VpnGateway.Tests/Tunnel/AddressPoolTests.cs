using System.Net;
using Oracle.Core.Policy;
using VpnGateway.Tunnel;

namespace VpnGateway.Tests.Tunnel;

public sealed class AddressPoolTests
{
    [Fact]
    public void Allocate_SameSession_SameAddressAndOthersGetTheirOwn()
    {
        var pool = new AddressPool(IpPrefix.Parse("198.19.200.0/29"));

        var a = pool.Allocate(1);
        var again = pool.Allocate(1);
        var b = pool.Allocate(2);

        Assert.Equal(IPAddress.Parse("198.19.200.1"), pool.Gateway);
        Assert.Equal(IPAddress.Parse("198.19.200.2"), a);
        Assert.Equal(a, again);
        Assert.Equal(IPAddress.Parse("198.19.200.3"), b);
    }

    [Fact]
    public void Release_OldIncarnationTornDownWhileTheSessionReconnected_AddressStaysWithTheNewOne()
    {
        var pool = new AddressPool(IpPrefix.Parse("198.19.200.0/29"));
        var old = pool.Allocate(7);
        var reconnected = pool.Allocate(7); // the same session id comes back before the old teardown finished

        pool.Release(7); // the old incarnation's teardown
        var third = pool.Allocate(8);

        Assert.Equal(old, reconnected);
        Assert.NotEqual(reconnected, third);
        pool.Release(7);
        // Free once both have let go (handed out again once the round robin comes back to it).
        Assert.Contains(old, new[] { pool.Allocate(9), pool.Allocate(10), pool.Allocate(11), pool.Allocate(12) });
    }

    [Fact]
    public void Allocate_PoolExhausted_Null()
    {
        var pool = new AddressPool(IpPrefix.Parse("198.19.200.0/30")); // gateway .1, one client .2

        Assert.NotNull(pool.Allocate(1));
        Assert.Null(pool.Allocate(2));
    }

    [Fact]
    public void Address6Of_PoolWithIpv6_SameHostNumberInTheIpv6Pool()
    {
        var pool = new AddressPool(IpPrefix.Parse("198.19.200.0/24"), IpPrefix.Parse("2001:2:0:c8::/64"));

        var a = pool.Allocate(1)!;
        pool.Reserve(2, IPAddress.Parse("198.19.200.77"));

        Assert.Equal(IPAddress.Parse("2001:2:0:c8::1"), pool.Gateway6);
        Assert.Equal(IPAddress.Parse("2001:2:0:c8::2"), pool.Address6Of(a));
        Assert.Equal(IPAddress.Parse("2001:2:0:c8::4d"), pool.Address6Of(IPAddress.Parse("198.19.200.77")));
    }

    [Fact]
    public void Address6Of_Ipv4Only_Null()
    {
        var pool = new AddressPool(IpPrefix.Parse("198.19.200.0/24"));

        Assert.Null(pool.Gateway6);
        Assert.Null(pool.Address6Of(pool.Allocate(1)!));
    }

    [Theory]
    [InlineData("2001:2:0:c8::/121")] // 128 addresses for 256 IPv4 ones
    [InlineData("198.18.64.0/24")]     // not IPv6
    public void Constructor_Ipv6PoolTooSmallOrIpv4_Refused(string pool6)
        => Assert.Throws<ArgumentException>(() => new AddressPool(IpPrefix.Parse("198.19.200.0/24"), IpPrefix.Parse(pool6)));
}
