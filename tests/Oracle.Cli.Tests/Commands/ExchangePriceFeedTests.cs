using Oracle.Cli.Hosting;
using Oracle.Cli.Tests.Support;
using Oracle.Testing;

namespace Oracle.Cli.Tests.Commands;

/// <summary>The exchange refuses while a price feed is paused or stale, and says until when (a private chain: the tests move its clock).</summary>
public sealed class ExchangePriceFeedTests(PrivateChainFixture node) : IClassFixture<PrivateChainFixture>
{
    [Fact]
    public async Task Buy_AfterAPriceJump_RefusedSayingWhenTradingResumes()
    {
        using var cli = await CliHarness.OwnNetworkAsync(node.Chain);
        var oracles = await Oracles.StakeAsync(cli, 3);
        await Oracles.ReportVpnPriceAsync(cli, oracles, Oracles.GenesisVpnPrice * 3);
        var user = await cli.NewUserAsync();

        var quote = await user.RunAsync("exchange", "quote", "buy", "--vpn", "10");
        var buy = await user.RunAsync("exchange", "buy", "--vpn", "10");

        Assert.Equal(ExitCodes.Refused, quote.ExitCode);
        Assert.Equal(ExitCodes.Refused, buy.ExitCode);
        Assert.Contains("VPN / ETH price feed is paused", buy.Error, StringComparison.Ordinal);
        Assert.Matches(@"resumes at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(in (29|30) min\)", buy.Error);
        Assert.DoesNotContain("waiting for confirmation", buy.Error, StringComparison.Ordinal);
        Assert.Single(buy.Error.Trim().Split('\n'));
    }

    [Fact]
    public async Task Buy_PriceOlderThanTheExchangeAccepts_RefusedAsStale()
    {
        using var cli = await CliHarness.OwnNetworkAsync(node.Chain);
        var user = await cli.NewUserAsync();
        await node.Chain.IncreaseTimeAsync(TimeSpan.FromHours(2));

        var buy = await user.RunAsync("exchange", "buy", "--vpn", "10");

        Assert.Equal(ExitCodes.Refused, buy.ExitCode);
        Assert.Contains("VPN / ETH price is stale", buy.Error, StringComparison.Ordinal);
    }
}
