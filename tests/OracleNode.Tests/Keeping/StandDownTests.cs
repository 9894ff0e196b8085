using OracleNode.Keeping;

namespace OracleNode.Tests.Keeping;

public sealed class StandDownTests
{
    private static readonly string[] Oracles = Enumerable.Range(1, 10).Select(i => "0x" + i.ToString("x40", System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    [Fact]
    public void Rank_EveryOracle_ADistinctPositionFromZero()
    {
        var ranks = Oracles.Select(o => StandDown.Rank("draw", 7, 0, o, Oracles)).Order().ToList();

        Assert.Equal(Enumerable.Range(0, Oracles.Length), ranks);
    }

    [Fact]
    public void Rank_OtherDisputes_OtherFirstSenders()
    {
        var first = Enumerable.Range(1, 50).Select(d => Oracles.Single(o => StandDown.Rank("executeRuling", (ulong)d, 0, o, Oracles) == 0)).Distinct().Count();

        Assert.True(first > 3, $"only {first} distinct oracles sent first over 50 disputes: the duty is not spread");
    }

    [Fact]
    public void Rank_NotAnOracle_Last()
        => Assert.Equal(Oracles.Length, StandDown.Rank("draw", 1, 0, "0x" + new string('f', 40), Oracles));
}
