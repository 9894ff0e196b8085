using System.Numerics;
using Oracle.Core.Evidence;

namespace Oracle.Core.Tests.Evidence;

public sealed class VoucherPricingTests
{
    [Theory]
    [InlineData(0UL, "1000", "0")]
    [InlineData(1048576UL, "1000", "1000")]
    [InlineData(1UL, "1000", "1")]
    [InlineData(1048577UL, "1048576", "1048577")]
    [InlineData(18446744073709551615UL, "79228162514264337593543950335", "1393796574908163946270424528297016084660225")]
    public void AmountFor_Bytes_RoundsUpPerMiB(ulong bytes, string price, string expected)
    {
        Assert.Equal(BigInteger.Parse(expected), VoucherPricing.AmountFor(bytes, BigInteger.Parse(price)));
    }
}
