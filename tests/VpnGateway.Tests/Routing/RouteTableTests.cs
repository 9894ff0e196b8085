using System.Net;
using Oracle.Core.Policy;
using VpnGateway.Routing;
using VpnGateway.Tests.Doubles;

namespace VpnGateway.Tests.Routing;

/// <summary>The longest-prefix match from inner addresses to sessions, IPv4 and IPv6 (2001:2::/48, RFC 5180).</summary>
public sealed class RouteTableTests
{
    private sealed record Owner(string Name);

    private static readonly Owner A = new("a");
    private static readonly Owner B = new("b");

    [Fact]
    public void LookupPacket_Ipv6HostAndRoutedLan_LongestPrefixWins()
    {
        var table = new RouteTable<Owner>();
        table.Add(IpPrefix.Parse("2001:2:0:c8::2/128"), A);
        table.Add(IpPrefix.Parse("2001:2:0:20::/64"), B);
        table.Add(IpPrefix.Parse("2001:2:0:20::7/128"), A);

        Assert.Same(A, table.LookupPacket(Packets.Udp6("2001:2:0:100::1", "2001:2:0:c8::2", 53, 40000), bySource: false));
        Assert.Same(B, table.LookupPacket(Packets.Udp6("2001:2:0:100::1", "2001:2:0:20::8", 53, 40000), bySource: false));
        Assert.Same(A, table.LookupPacket(Packets.Udp6("2001:2:0:100::1", "2001:2:0:20::7", 53, 40000), bySource: false));
        Assert.Same(B, table.LookupPacket(Packets.Udp6("2001:2:0:20::8", "2001:2:0:100::1", 40000, 53), bySource: true));
        Assert.Null(table.LookupPacket(Packets.Udp6("2001:2:0:100::1", "2001:2:0:c8::3", 53, 40000), bySource: false));
    }

    [Fact]
    public void LookupPacket_SameNumbersInBothFamilies_KeptApart()
    {
        var table = new RouteTable<Owner>();
        table.Add(IpPrefix.Parse("198.19.0.2/32"), A);
        table.Add(IpPrefix.Parse("::c613:2/128"), B); // the same 32 low bits as 198.19.0.2, as an IPv6 address

        Assert.Same(A, table.LookupPacket(Packets.Udp("198.18.100.1", "198.19.0.2", 53, 40000), bySource: false));
        Assert.Same(B, table.LookupPacket(Packets.Udp6("2001:2:0:100::1", "::c613:2", 53, 40000), bySource: false));
        Assert.Equal(2, table.Count);
    }

    [Fact]
    public void LookupPacket_TruncatedIpv6Header_Null()
    {
        var table = new RouteTable<Owner>();
        table.Add(IpPrefix.Parse("::/0"), A);
        var packet = Packets.Udp6("2001:2:0:100::1", "2001:2:0:c8::2", 53, 40000);

        Assert.Same(A, table.LookupPacket(packet, bySource: false));
        Assert.Null(table.LookupPacket(packet.AsSpan(0, 39), bySource: false));
    }

    [Fact]
    public void Remove_Ipv6PrefixWithTwoOwners_GoesBackToTheEarlierOne()
    {
        var table = new RouteTable<Owner>();
        var prefix = IpPrefix.Parse("2001:2:0:c8::2/128");
        table.Add(prefix, A);
        table.Add(prefix, B); // a pinned link's successor starts while its predecessor ends

        Assert.Same(B, table.Lookup6(RouteTable<Owner>.Key6(prefix)));
        Assert.False(table.Remove(prefix, B));
        Assert.Same(A, table.Lookup6(RouteTable<Owner>.Key6(prefix)));
        Assert.True(table.Remove(prefix, A));
        Assert.Null(table.Lookup6(RouteTable<Owner>.Key6(prefix)));
        Assert.False(table.Holds(prefix));
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void Overlapping_Ipv6LanInsideAnotherSessionsLan_FoundEitherWay()
    {
        var table = new RouteTable<Owner>();
        table.Add(IpPrefix.Parse("2001:2:0:20::/64"), A);

        Assert.Same(A, table.Overlapping(IpPrefix.Parse("2001:2:0:20::/80"), B));
        Assert.Same(A, table.Overlapping(IpPrefix.Parse("2001:2::/56"), B));
        Assert.Null(table.Overlapping(IpPrefix.Parse("2001:2:0:21::/64"), B));
        Assert.Null(table.Overlapping(IpPrefix.Parse("2001:2:0:20::/80"), A));
        Assert.Null(table.Overlapping(IpPrefix.Parse("198.18.20.0/24"), B));
    }

    [Fact]
    public void Key6_Ipv4Prefix_Throws()
        => Assert.Throws<ArgumentException>(() => RouteTable<Owner>.Key6(IpPrefix.Parse("198.19.0.0/24")));

    [Fact]
    public void Lookup6_HostPrefix_ExactAddressOnly()
    {
        var table = new RouteTable<Owner>();
        table.Add(IpPrefix.Host(IPAddress.Parse("2001:2:0:c8::2")), A);

        Assert.Same(A, table.Lookup6(RouteTable<Owner>.Key6(IpPrefix.Parse("2001:2:0:c8::2/128"))));
        Assert.Null(table.Lookup6(RouteTable<Owner>.Key6(IpPrefix.Parse("2001:2:0:c8::3/128"))));
    }
}
