using System.Numerics;

namespace OracleNode.Prices;

/// <summary>One source's answer: a price (ETH per unit, scaled by 10^18), or why there is none.</summary>
internal sealed record PriceQuote(string Source, BigInteger? Price, string Problem)
{
    public static PriceQuote Of(string source, BigInteger price) => new(source, price, "");

    public static PriceQuote Failed(string source, string problem) => new(source, null, problem);
}
