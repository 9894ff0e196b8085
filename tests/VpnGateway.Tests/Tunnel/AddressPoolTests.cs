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
}
