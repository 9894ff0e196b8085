using System.Numerics;
using OracleNode.Commands;

namespace OracleNode.Tests.Commands;

public sealed class VpnAmountTests
{
    [Theory]
    [InlineData("1000", "1000000000000000000000")]
    [InlineData("0.5", "500000000000000000")]
    [InlineData("1_500.25 VPN", "1500250000000000000000")]
    [InlineData(".000000000000000001", "1")]
    [InlineData("12.", "12000000000000000000")]
    public void TryParse_WrittenAmount_BaseUnits(string text, string expected)
    {
        Assert.True(VpnAmount.TryParse(text, out var units, out var error), error);
        Assert.Equal(BigInteger.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), units);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("-5")]
    [InlineData("0")]
    [InlineData("1.0000000000000000001")]
    [InlineData("1.2.3")]
    [InlineData("1e3")]
    [InlineData(".")]
    public void TryParse_NotAnAmount_OneLineReason(string text)
    {
        Assert.False(VpnAmount.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
        Assert.DoesNotContain('\n', error);
    }

    [Fact]
    public void Format_BaseUnits_WholeAndSignificantDecimals()
    {
        Assert.Equal("1,000.5", VpnAmount.Format(BigInteger.Parse("1000500000000000000000", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal("0.000000000000000001", VpnAmount.Format(1));
        Assert.Equal("0", VpnAmount.Format(0));
    }
}
