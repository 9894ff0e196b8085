using System.Numerics;
using OracleNode.Prices;

namespace OracleNode.Tests.Prices;

public sealed class PriceDecisionTests
{
    private static readonly BigInteger P = BigInteger.Pow(10, 14);

    [Fact]
    public void Decide_SourcesAgree_Median()
    {
        var (price, reason) = PriceDecision.Decide([Quote("a", P), Quote("b", P * 1005 / 1000), Quote("c", P * 995 / 1000)], 200, P, 2000, false);

        Assert.Equal(P, price);
        Assert.Contains("agree", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_OneSourceFarOff_Refused()
    {
        var (price, reason) = PriceDecision.Decide([Quote("a", P), Quote("outlier", P * 3)], 200, P, 2000, false);

        Assert.Null(price);
        Assert.Contains("disagree", reason, StringComparison.Ordinal);
        Assert.Contains("outlier", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_SourceFailed_Refused()
    {
        var (price, reason) = PriceDecision.Decide([Quote("a", P), PriceQuote.Failed("b", "timeout")], 200, P, 2000, false);

        Assert.Null(price);
        Assert.Contains("timeout", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_MoveBeyondTheExchangeBand_RefusedUnlessAllowed()
    {
        var quotes = new[] { Quote("a", P * 13 / 10), Quote("b", P * 13 / 10) };

        var (refused, reason) = PriceDecision.Decide(quotes, 200, P, 2000, false);
        var (allowed, _) = PriceDecision.Decide(quotes, 200, P, 2000, true);

        Assert.Null(refused);
        Assert.Contains("band", reason, StringComparison.Ordinal);
        Assert.Equal(P * 13 / 10, allowed);
    }

    [Fact]
    public void Decide_NoSource_Refused()
        => Assert.Null(PriceDecision.Decide([], 200, P, 2000, false).Price);

    private static PriceQuote Quote(string name, BigInteger price) => PriceQuote.Of(name, price);
}
