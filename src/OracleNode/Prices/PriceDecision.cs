using System.Numerics;

namespace OracleNode.Prices;

/// <summary>
/// Whether the node's sources agree on a price it may report: every source answered (at least one), they differ by at
/// most the configured spread of their median, and the median is within the exchange's band of its reference price
/// (unless jumps are allowed). Pure, so the rule is tested without a chain.
/// </summary>
internal static class PriceDecision
{
    /// <summary>The price to report, or why none.</summary>
    public static (BigInteger? Price, string Reason) Decide(IReadOnlyList<PriceQuote> quotes, int maxSpreadBps, BigInteger reference, int bandBps, bool allowBeyondBand)
    {
        var failed = quotes.Where(q => q.Price is null).ToList();
        if (quotes.Count == 0 || failed.Count > 0)
        {
            return (null, failed.Count == 0 ? "no source" : "source failed: " + string.Join("; ", failed.Select(f => $"{f.Source}: {f.Problem}")));
        }

        var prices = quotes.Select(q => q.Price!.Value).Order().ToList();
        var median = Median(quotes)!.Value;
        var spread = (prices[^1] - prices[0]) * 10_000 / median;
        if (spread > maxSpreadBps)
        {
            return (null, $"the sources disagree by {spread} bps (more than {maxSpreadBps}): {string.Join(", ", quotes.Select(q => $"{q.Source}={q.Price}"))}");
        }

        if (reference > 0 && !allowBeyondBand)
        {
            var move = BigInteger.Abs(median - reference) * 10_000 / reference;
            if (move > bandBps)
            {
                return (null, $"the price {median} is {move} bps from the exchange's reference {reference}, beyond its band of {bandBps} bps (the exchange would pause); set Prices:AllowBeyondBand to report it");
            }
        }

        return (median, $"{quotes.Count} source(s) agree within {spread} bps");
    }

    /// <summary>The median of the prices the sources gave (null when none gave one).</summary>
    public static BigInteger? Median(IReadOnlyList<PriceQuote> quotes)
    {
        var prices = quotes.Where(q => q.Price is not null).Select(q => q.Price!.Value).Order().ToList();
        return prices.Count == 0 ? null
            : prices.Count % 2 == 1 ? prices[prices.Count / 2] : (prices[prices.Count / 2 - 1] + prices[prices.Count / 2]) / 2;
    }
}
