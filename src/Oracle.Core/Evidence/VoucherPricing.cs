using System.Numerics;

namespace Oracle.Core.Evidence;

/// <summary>
/// What a voucher must pay for the bytes it covers at the session's price (ProviderRegistry's <c>pricePerMiB</c>,
/// VPN base units per 2^20 bytes): <c>ceil(bytes × pricePerMiB / 2^20)</c>, rounded up so rounding never underpays.
/// </summary>
public static class VoucherPricing
{
    private const int MiBShift = 20;

    /// <summary>The least cumulative amount for <paramref name="cumulativeBytes"/> bytes at <paramref name="pricePerMiB"/>.</summary>
    public static BigInteger AmountFor(ulong cumulativeBytes, BigInteger pricePerMiB)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pricePerMiB);
        var product = cumulativeBytes * pricePerMiB;
        return (product + ((BigInteger.One << MiBShift) - 1)) >> MiBShift;
    }
}
