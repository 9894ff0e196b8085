using Oracle.Actions.Network;

namespace Oracle.Actions.Tests.Network;

public sealed class NetworkParametersFileTests
{
    [Fact]
    public void Parse_EveryKind_ParametersSetAndTheRestTheDevnets()
    {
        var parameters = NetworkParametersFile.Parse("""
            {
              // comments are allowed
              "commitPeriod": "2h", "revealPeriod": 3600, "drawingPeriod": "1.00:00:00", "providerMinBond": "250.5",
              "genesisVpnEthPrice": "0.0002", "feedQuorum": 5, "wrappedBtc": "0x2260fac5e5542a773aa44fbcfedf7c193bc2c599",
            }
            """);

        Assert.Equal(TimeSpan.FromHours(2), parameters.CommitPeriod);
        Assert.Equal(TimeSpan.FromHours(1), parameters.RevealPeriod);
        Assert.Equal(TimeSpan.FromDays(1), parameters.DrawingPeriod);
        Assert.Equal(System.Numerics.BigInteger.Parse("250500000000000000000", System.Globalization.CultureInfo.InvariantCulture), parameters.ProviderMinBond);
        Assert.Equal(System.Numerics.BigInteger.Parse("200000000000000", System.Globalization.CultureInfo.InvariantCulture), parameters.GenesisVpnEthPrice);
        Assert.Equal(5, parameters.FeedQuorum);
        Assert.Equal("0x2260FAC5E5542a773Aa44fBCfeDf7C193bc2C599", parameters.WrappedBtc);
        Assert.Equal(Oracle.Chain.Deployment.NetworkParameters.Devnet.ChallengeWindow, parameters.ChallengeWindow);
    }

    [Theory]
    [InlineData("""{"maxRounds": 9}""", "a dispute has 1 to 4 rounds")]
    [InlineData("""{"priceJumpDelay": "2h"}""", "shorter than the max price age")]
    [InlineData("""{"genesisBtcEthPrice": "0"}""", "more than zero")]
    [InlineData("""{"feedQuorum": "many"}""", "whole number")]
    [InlineData("""[1, 2]""", "not a JSON object")]
    public void Parse_Wrong_RefusedNamingWhy(string json, string reason)
    {
        var error = Assert.Throws<ActionFailedException>(() => NetworkParametersFile.Parse(json));
        Assert.Equal(ActionErrorKind.InvalidInput, error.Error.Kind);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("90", 90)]
    [InlineData("90s", 90)]
    [InlineData("30m", 1800)]
    [InlineData("12h", 43200)]
    [InlineData("45d", 3888000)]
    public void ParseDuration_NumberWithUnit_Seconds(string text, int seconds)
        => Assert.Equal(TimeSpan.FromSeconds(seconds), NetworkParametersFile.ParseDuration(text));
}
