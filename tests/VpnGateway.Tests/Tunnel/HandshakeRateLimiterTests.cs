using System.Net;
using Microsoft.Extensions.Time.Testing;
using VpnGateway.Transport;
using VpnGateway.Tunnel;

namespace VpnGateway.Tests.Tunnel;

public sealed class HandshakeRateLimiterTests
{
    private static UInt128 Address(string text) => UdpEndpoint.From(new IPEndPoint(IPAddress.Parse(text), 51820)).Address;

    [Fact]
    public void Allow_BurstSpent_RefusedUntilTheBucketRefills()
    {
        var time = new FakeTimeProvider();
        var limiter = new HandshakeRateLimiter(time, perSecond: 5, burst: 2);

        Assert.True(limiter.Allow(Address("198.18.0.1")));
        Assert.True(limiter.Allow(Address("198.18.0.1")));
        Assert.False(limiter.Allow(Address("198.18.0.1")));
        Assert.True(limiter.Allow(Address("198.18.0.2"))); // another IPv4 address has its own bucket
        time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.True(limiter.Allow(Address("198.18.0.1")));
    }

    [Fact]
    public void Allow_IPv6AddressesOfOneSlash64_ShareABucket()
    {
        var limiter = new HandshakeRateLimiter(new FakeTimeProvider(), perSecond: 5, burst: 2);

        Assert.True(limiter.Allow(Address("2001:db8:0:1::1")));
        Assert.True(limiter.Allow(Address("2001:db8:0:1::2")));
        Assert.False(limiter.Allow(Address("2001:db8:0:1:ffff::3"))); // same /64, new address: still refused
        Assert.True(limiter.Allow(Address("2001:db8:0:2::1"))); // another /64
    }
}
