using System.Numerics;
using CsCheck;
using Oracle.Actions.Units;

namespace Oracle.Actions.Tests.Units;

public sealed class TokenAmountTests
{
    [Theory]
    [InlineData("12.5", "12500000000000000000")]
    [InlineData("0.000000000000000001", "1")]
    [InlineData(".25", "250000000000000000")]
    [InlineData("1_000", "1000000000000000000000")]
    [InlineData("7 VPN", "7000000000000000000")]
    [InlineData("0", "0")]
    public void TryParse_HumanAmount_ExactBaseUnits(string text, string baseUnits)
    {
        Assert.True(TokenAmount.TryParse(text, Asset.Vpn, out var amount, out var error), error);
        Assert.Equal(BigInteger.Parse(baseUnits, System.Globalization.CultureInfo.InvariantCulture), amount.BaseUnits);
    }

    [Theory]
    [InlineData("-1", "negative")]
    [InlineData("1e18", "not an amount")]
    [InlineData("1,000", "not an amount")]
    [InlineData("1.2.3", "not an amount")]
    [InlineData(".", "not an amount")]
    [InlineData("", "is needed")]
    [InlineData("0.123456789", "has 9 decimals, but wBTC has 8")]
    [InlineData("999999999999999999999999999999999999999999999999999999999999999999999999999999999", "larger than any amount")]
    public void TryParse_NotAnAmount_ReasonGiven(string text, string reason)
    {
        var asset = reason.Contains("wBTC", StringComparison.Ordinal) ? Asset.WrappedBtc : Asset.Vpn;
        Assert.False(TokenAmount.TryParse(text, asset, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1000.00000000000001", 6, "1000 VPN")]
    [InlineData("0.45043545150756836", 6, "0.450435 VPN")]
    [InlineData("3871.844660194174757281", 6, "3871.84466 VPN")]
    [InlineData("0.0000005", 6, "0.000001 VPN")]
    [InlineData("0.0000004", 6, "0 VPN")]
    [InlineData("12.5", 0, "13 VPN")]
    [InlineData("0.000000000000000001", 18, "0.000000000000000001 VPN")]
    public void ToRoundedString_ManyDecimals_RoundedHalfUpWithoutTrailingZeros(string text, int decimals, string expected)
    {
        Assert.True(TokenAmount.TryParse(text, Asset.Vpn, out var amount, out var error), error);
        Assert.Equal(expected, amount.ToRoundedString(decimals));
    }

    [Fact]
    public void ToDecimalString_ThenTryParse_SameAmountForEveryValueAndAsset()
    {
        Gen.Select(Gen.ULong, Gen.ULong, Gen.Int[0, 2]).Sample((high, low, which) =>
        {
            var asset = which switch { 0 => Asset.Vpn, 1 => Asset.Eth, _ => Asset.WrappedBtc };
            var value = ((BigInteger)high << 64) | low;
            var amount = asset.Amount(value);
            Assert.True(TokenAmount.TryParse(amount.ToDecimalString(), asset, out var again, out var error), error);
            Assert.Equal(value, again.BaseUnits);
        });
    }

    [Theory]
    [InlineData("1", "1 VPN")]
    [InlineData("1500000000000000000", "1.5 VPN")]
    [InlineData("1", "0.000000000000000001 VPN")]
    public void ToString_TrailingZerosDropped(string baseUnits, string expected)
    {
        var value = BigInteger.Parse(baseUnits, System.Globalization.CultureInfo.InvariantCulture);
        var amount = expected == "1 VPN" ? Asset.Vpn.Amount(value * BigInteger.Pow(10, 18)) : Asset.Vpn.Amount(value);
        Assert.Equal(expected, amount.ToString());
    }
}
