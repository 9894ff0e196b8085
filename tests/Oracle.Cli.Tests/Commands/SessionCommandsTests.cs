using System.Numerics;
using Oracle.Cli.Hosting;
using Oracle.Cli.Tests.Support;

namespace Oracle.Cli.Tests.Commands;

public sealed class SessionCommandsTests : IAsyncLifetime
{
    private CliHarness _cli = null!;

    public async Task InitializeAsync() => _cli = await CliHarness.SharedAsync();

    public Task DisposeAsync()
    {
        _cli.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>A client with VPN and a session open with a new provider.</summary>
    public static async Task<(CliHarness.User Client, CliHarness.User Provider, ulong SessionId)> OpenAsync(CliHarness cli, string deposit = "10", string penalty = "5")
    {
        var provider = await ProviderCommandsTests.RegisteredAsync(cli);
        var client = await cli.NewUserAsync();
        await client.BuyVpnAsync("20");
        var open = await client.RunAsync("session", "open", "--provider", provider.Address, "--deposit", deposit, "--penalty", penalty, "--json");
        Assert.True(open.ExitCode == 0, open.ToString());
        return (client, provider, ulong.Parse(open.Json.GetProperty("session").GetProperty("sessionId").ToString(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Open_WithProvider_SessionOnChainWithTheProvidersTerms()
    {
        var (client, provider, id) = await OpenAsync(_cli, "10", "2.5");

        var show = await _cli.RunAsync("session", "show", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json");

        Assert.True(show.ExitCode == 0, show.ToString());
        var s = show.Json;
        Assert.Equal(client.Address, s.GetProperty("client").GetString());
        Assert.Equal(provider.Address, s.GetProperty("provider").GetString());
        Assert.Equal("10", s.GetProperty("deposit").GetProperty("amount").GetString());
        Assert.Equal("2.5", s.GetProperty("penalty").GetProperty("amount").GetString());
        Assert.Equal("0.001", s.GetProperty("pricePerMiB").GetProperty("amount").GetString());
        Assert.Equal(3, s.GetProperty("committeeSize").GetInt32());
        Assert.Equal("Open", s.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Open_UnknownProvider_NotFound()
    {
        var client = await _cli.NewUserAsync();
        await client.BuyVpnAsync("20");
        var stranger = await _cli.NewUserAsync();

        var result = await client.RunAsync("session", "open", "--provider", stranger.Address, "--deposit", "5");

        Assert.Equal(ExitCodes.NotFound, result.ExitCode);
    }

    [Theory]
    [InlineData("--deposit", "0", "more than zero")]
    [InlineData("--penalty", "50", "larger than the deposit")]
    [InlineData("--committee", "4", "odd number")]
    [InlineData("--provider", "0x123", "not an address")]
    public async Task Open_WrongValue_RefusedBeforeSending(string option, string value, string reason)
    {
        var provider = await ProviderCommandsTests.RegisteredAsync(_cli);
        var client = await _cli.NewUserAsync();
        await client.BuyVpnAsync("20");
        var args = new Dictionary<string, string> { ["--provider"] = provider.Address, ["--deposit"] = "10" };
        args[option] = value;

        var result = await client.RunAsync(["session", "open", .. args.SelectMany(a => new[] { a.Key, a.Value })]);

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_UnknownSession_NotFound()
    {
        var result = await _cli.RunAsync("session", "show", "999999");

        Assert.Equal(ExitCodes.NotFound, result.ExitCode);
        Assert.Contains("no session 999999", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_NotANumber_UsageError()
    {
        var result = await _cli.RunAsync("session", "show", "seven");

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
    }

    [Fact]
    public async Task Close_ByProviderWithTheLatestVoucher_ProviderPaidExactlyTheVoucherAndTheClientTheRest()
    {
        var (client, provider, id) = await OpenAsync(_cli);
        var providerBefore = await provider.VpnAsync();
        var clientBefore = await client.VpnAsync();
        var amount = BigInteger.Parse("3141592653589793238", System.Globalization.CultureInfo.InvariantCulture);
        var voucher = await Vouchers.WriteAsync(_cli, client.Key, id, amount);

        var close = await provider.RunAsync("session", "close", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--voucher", voucher, "--json");

        Assert.True(close.ExitCode == 0, close.ToString());
        Assert.Equal("Closed", close.Json.GetProperty("session").GetProperty("status").GetString());
        Assert.Equal(providerBefore + amount, await provider.VpnAsync());
        Assert.Equal(clientBefore + Oracles.Tokens(10) - amount, await client.VpnAsync());
    }

    [Fact]
    public async Task Settle_ThenClose_PaysTheDifferenceOnce()
    {
        var (client, provider, id) = await OpenAsync(_cli);
        var before = await provider.VpnAsync();
        var first = await Vouchers.WriteAsync(_cli, client.Key, id, Oracles.Tokens(1));
        var second = await Vouchers.WriteAsync(_cli, client.Key, id, Oracles.Tokens(4));
        var sid = id.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var settle = await client.RunAsync("session", "settle", sid, "--voucher", first);
        var stale = await provider.RunAsync("session", "settle", sid, "--voucher", first);
        var close = await provider.RunAsync("session", "close", sid, "--voucher", second);

        Assert.True(settle.ExitCode == 0, settle.ToString());
        Assert.Equal(ExitCodes.Refused, stale.ExitCode);
        Assert.True(close.ExitCode == 0, close.ToString());
        Assert.Equal(before + Oracles.Tokens(4), await provider.VpnAsync());
    }

    [Fact]
    public async Task Close_VoucherSignedByAnotherKey_RefusedBeforeSending()
    {
        var (_, provider, id) = await OpenAsync(_cli);
        var forger = await _cli.NewUserAsync();
        var voucher = await Vouchers.WriteAsync(_cli, forger.Key, id, Oracles.Tokens(9));

        var close = await provider.RunAsync("session", "close", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--voucher", voucher);

        Assert.Equal(ExitCodes.Refused, close.ExitCode);
        Assert.Contains("not signed by the session's client", close.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("waiting for confirmation", close.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Close_VoucherOfAnotherSession_Refused()
    {
        var (client, provider, id) = await OpenAsync(_cli);
        var voucher = await Vouchers.WriteAsync(_cli, client.Key, id, Oracles.Tokens(1), forSession: id + 1000);

        var close = await provider.RunAsync("session", "close", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--voucher", voucher);

        Assert.Equal(ExitCodes.InvalidInput, close.ExitCode);
        Assert.Contains("is for session", close.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Close_ByTheClient_RefusedPointingToStartClose()
    {
        var (client, _, id) = await OpenAsync(_cli);

        var close = await client.RunAsync("session", "close", id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(ExitCodes.Refused, close.ExitCode);
        Assert.Contains("start-close", close.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Close_MalformedVoucherFile_RefusedNamingTheField()
    {
        var (_, provider, id) = await OpenAsync(_cli);
        var path = Path.Combine(_cli.Folder, "broken.json");
        await File.WriteAllTextAsync(path, """{"sessionId": 1, "cumulativeAmount": "-4"}""");

        var close = await provider.RunAsync("session", "close", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--voucher", path);

        Assert.Equal(ExitCodes.InvalidInput, close.ExitCode);
        Assert.Contains("cumulativeAmount", close.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FinalizeClose_DuringTheChallengeWindow_RefusedWithItsEnd()
    {
        var (client, _, id) = await OpenAsync(_cli);
        var sid = id.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var start = await client.RunAsync("session", "start-close", sid, "--json");
        var finalize = await client.RunAsync("session", "finalize-close", sid);

        Assert.True(start.ExitCode == 0, start.ToString());
        Assert.Equal("Closing", start.Json.GetProperty("session").GetProperty("status").GetString());
        Assert.Equal(ExitCodes.Refused, finalize.ExitCode);
        Assert.Contains("challenge window", finalize.Error, StringComparison.Ordinal);
    }
}
