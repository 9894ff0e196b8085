using System.Numerics;
using OracleNode.Prices;

namespace OracleNode.Tests.Prices;

public sealed class PriceTextTests
{
    [Theory]
    [InlineData("0.0001\n", null, "100000000000000")]
    [InlineData("20", null, "20000000000000000000")]
    [InlineData("1e-4", null, "100000000000000")]
    [InlineData("{\"price\": 0.0001}", "price", "100000000000000")]
    [InlineData("{\"price\": \"19.5\", \"updatedAt\": 1}", "price", "19500000000000000000")]
    public void TryParse_Content_ScaledPrice(string content, string? field, string expected)
    {
        Assert.True(PriceText.TryParse(content, field, out var price, out _, out var error), error);
        Assert.Equal(BigInteger.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), price);
    }

    [Theory]
    [InlineData("-1", null)]
    [InlineData("0", null)]
    [InlineData("price", null)]
    [InlineData("{\"other\": 1}", "price")]
    [InlineData("not json", "price")]
    public void TryParse_NotAPrice_Reason(string content, string? field)
    {
        Assert.False(PriceText.TryParse(content, field, out _, out _, out var error));
        Assert.NotEmpty(error);
    }
}
