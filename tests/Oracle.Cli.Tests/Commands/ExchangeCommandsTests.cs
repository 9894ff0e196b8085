using Oracle.Cli.Hosting;
using Oracle.Cli.Tests.Support;

namespace Oracle.Cli.Tests.Commands;

public sealed class ExchangeCommandsTests : IAsyncLifetime
{
    private CliHarness _cli = null!;

    public async Task InitializeAsync() => _cli = await CliHarness.SharedAsync();

    public Task DisposeAsync()
    {
        _cli.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Quote_Buy_SendsNothingAndGivesTheVpnAsked()
    {
        var user = await _cli.NewUserAsync();

        var result = await user.RunAsync("exchange", "quote", "buy", "--vpn", "100", "--with", "eth", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var receive = decimal.Parse(result.Json.GetProperty("receive").GetProperty("amount").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(receive, 100m, 100.000001m);
        Assert.Equal(0, (int)await user.VpnAsync());
    }

    [Fact]
    public async Task Buy_WithEth_VpnArrivesAndAtLeastTheMinimum()
    {
        var user = await _cli.NewUserAsync();

        var result = await user.RunAsync("exchange", "buy", "--vpn", "250", "--with", "eth", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var vpn = await user.VpnAsync();
        Assert.True(vpn >= System.Numerics.BigInteger.Parse("250000000000000000000"), vpn.ToString());
        Assert.Equal(vpn.ToString(), result.Json.GetProperty("received").GetProperty("baseUnits").GetString());
        Assert.Contains("waiting for confirmation", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Buy_WithWrappedBtc_ApprovesAndPays()
    {
        using var own = await CliHarness.OwnNetworkAsync(_cli.Chain);
        var user = await own.NewUserAsync();
        await own.MintWrappedBtcAsync(user.Address, 10_000_000);

        var result = await user.RunAsync("exchange", "buy", "--pay", "0.05", "--with", "wbtc", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("0.05", result.Json.GetProperty("paid").GetProperty("amount").GetString());
        Assert.True(await user.VpnAsync() > 0);
    }

    [Fact]
    public async Task Sell_ForEth_VpnLeavesAndEthComesBack()
    {
        var user = await _cli.NewUserAsync();
        await user.BuyVpnAsync("100");
        var before = await user.VpnAsync();

        var result = await user.RunAsync("exchange", "sell", "--vpn", "40", "--for", "eth", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(before - System.Numerics.BigInteger.Parse("40000000000000000000"), await user.VpnAsync());
        Assert.Equal("ETH", result.Json.GetProperty("received").GetProperty("asset").GetString());
    }

    [Theory]
    [InlineData("-5", "negative")]
    [InlineData("1e3", "not an amount")]
    [InlineData("0.0000000000000000001", "decimals")]
    [InlineData("abc", "not an amount")]
    [InlineData("0", "more than zero")]
    public async Task Buy_WrongAmount_RefusedBeforeSendingAnything(string amount, string reason)
    {
        var user = await _cli.NewUserAsync();

        var result = await user.RunAsync("exchange", "buy", "--vpn", amount);

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("waiting for confirmation", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Buy_MoreEthThanHeld_RefusedWithTheBalance()
    {
        var user = await _cli.NewUserAsync(1);

        var result = await user.RunAsync("exchange", "buy", "--pay", "5", "--with", "eth");

        Assert.Equal(ExitCodes.Refused, result.ExitCode);
        Assert.Contains("holds 1 ETH", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sell_MinimumAboveTheQuote_RefusedBeforeSending()
    {
        var user = await _cli.NewUserAsync();
        await user.BuyVpnAsync("10");

        var result = await user.RunAsync("exchange", "sell", "--vpn", "10", "--min-out", "1");

        Assert.Equal(ExitCodes.Refused, result.ExitCode);
        Assert.Contains("less than the minimum", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sell_PayOption_RefusedAsBuyingOnly()
    {
        var user = await _cli.NewUserAsync();

        var result = await user.RunAsync("exchange", "sell", "--vpn", "1", "--with", "eth");

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
    }
}
