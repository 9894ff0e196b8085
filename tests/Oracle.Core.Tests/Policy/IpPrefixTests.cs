using System.Net;
using Oracle.Core.Policy;

namespace Oracle.Core.Tests.Policy;

public sealed class IpPrefixTests
{
    [Theory]
    [InlineData("198.18.0.0/15", "198.18.0.0/15")]
    [InlineData("198.19.255.255", "198.19.255.255/32")]
    [InlineData("0.0.0.0/0", "0.0.0.0/0")]
    [InlineData("2001:DB8:0:0::/64", "2001:db8::/64")]
    [InlineData("::/0", "::/0")]
    [InlineData("::ffff:198.18.0.1", "::ffff:198.18.0.1/128")]
    public void Parse_Valid_CanonicalText(string input, string expected)
    {
        Assert.Equal(expected, IpPrefix.Parse(input).ToString());
    }

    [Theory]
    [InlineData("198.18.0.1/15")]
    [InlineData("198.18.0.0/33")]
    [InlineData("198.18.0.0/015")]
    [InlineData("198.18/16")]
    [InlineData("fe80::1%eth0")]
    [InlineData("example.com")]
    [InlineData("10.0.0.0/")]
    public void TryParse_Invalid_Fails(string input)
    {
        Assert.False(IpPrefix.TryParse(input, out _, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void Contains_AddressInsideAndOutside()
    {
        var prefix = IpPrefix.Parse("198.18.0.0/15");

        Assert.True(prefix.Contains(IPAddress.Parse("198.19.200.1")));
        Assert.False(prefix.Contains(IPAddress.Parse("198.20.0.1")));
        Assert.False(prefix.Contains(IPAddress.Parse("::ffff:198.18.0.1")));
        Assert.True(IpPrefix.Parse("198.18.0.0/15").Covers(IpPrefix.Parse("198.18.4.0/24")));
        Assert.False(IpPrefix.Parse("198.18.4.0/24").Covers(IpPrefix.Parse("198.18.0.0/15")));
    }
}
