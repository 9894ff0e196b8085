using Oracle.Cli.Hosting;
using Oracle.Cli.Tests.Support;

namespace Oracle.Cli.Tests.Commands;

public sealed class ProviderCommandsTests : IAsyncLifetime
{
    private CliHarness _cli = null!;

    public async Task InitializeAsync() => _cli = await CliHarness.SharedAsync();

    public Task DisposeAsync()
    {
        _cli.Dispose();
        return Task.CompletedTask;
    }

    public static string PolicyFile => Path.Combine(Oracle.Devnet.Runtime.RepositoryLayout.Find().Root, "src", "Oracle.Devnet", "Policies", "exit-policy.json");

    public static string NewTunnelKey() => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>A registered provider (bond bought through the command line).</summary>
    public static async Task<CliHarness.User> RegisteredAsync(CliHarness cli, string region = "DE", string price = "0.001")
    {
        var provider = await cli.NewUserAsync();
        await provider.BuyVpnAsync("600");
        var result = await provider.RunAsync("provider", "register", "--endpoint", "198.18.0.1:51820", "--tunnel-key", NewTunnelKey(), "--region", region,
            "--price", price, "--policy", PolicyFile);
        Assert.True(result.ExitCode == 0, result.ToString());
        return provider;
    }

    [Fact]
    public async Task Register_WithPolicyFile_RegistryHoldsItsHashAndTheMinimumBond()
    {
        var provider = await _cli.NewUserAsync();
        await provider.BuyVpnAsync("600");
        var key = NewTunnelKey();

        var result = await provider.RunAsync("provider", "register", "--endpoint", "vpn.example.org:51820", "--tunnel-key", key, "--region", "us-ca",
            "--price", "0.0025", "--policy", PolicyFile, "--policy-uri", "https://example.org/policy.json", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var registered = result.Json.GetProperty("provider");
        Assert.Equal(provider.Address, registered.GetProperty("address").GetString());
        Assert.Equal("US-CA", registered.GetProperty("region").GetString());
        Assert.Equal(key, registered.GetProperty("tunnelKey").GetString());
        Assert.Equal("0.0025", registered.GetProperty("pricePerMiB").GetProperty("amount").GetString());
        Assert.Equal("500", registered.GetProperty("bond").GetProperty("amount").GetString());
        Assert.Equal(Oracle.Actions.Providers.ProviderActions.LoadPolicy(PolicyFile).HashHex, registered.GetProperty("policyHash").GetString());
        Assert.Equal("https://example.org/policy.json", registered.GetProperty("policyUri").GetString());
    }

    [Fact]
    public async Task Register_Twice_RefusedPointingToUpdate()
    {
        var provider = await RegisteredAsync(_cli);

        var again = await provider.RunAsync("provider", "register", "--endpoint", "198.18.0.1:51820", "--tunnel-key", NewTunnelKey(), "--region", "DE",
            "--price", "0.001", "--policy", PolicyFile);

        Assert.Equal(ExitCodes.Refused, again.ExitCode);
        Assert.Contains("provider update", again.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--tunnel-key", "not-a-key", "tunnel key")]
    [InlineData("--endpoint", "no-port", "host:port")]
    [InlineData("--endpoint", "host:70000", "host:port")]
    [InlineData("--region", "Germany!", "region code")]
    [InlineData("--price", "-1", "negative")]
    [InlineData("--bond", "100", "below the network's minimum")]
    [InlineData("--policy", "/nonexistent/policy.json", "policy")]
    public async Task Register_WrongValue_RefusedBeforeSending(string option, string value, string reason)
    {
        var provider = await _cli.NewUserAsync();
        await provider.BuyVpnAsync("600");
        var args = new Dictionary<string, string>
        {
            ["--endpoint"] = "198.18.0.1:51820",
            ["--tunnel-key"] = NewTunnelKey(),
            ["--region"] = "DE",
            ["--price"] = "0.001",
            ["--policy"] = PolicyFile,
        };
        args[option] = value;

        var result = await provider.RunAsync(["provider", "register", .. args.SelectMany(a => new[] { a.Key, a.Value })]);

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("waiting for confirmation", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_WithoutVpn_RefusedSayingHowToBuy()
    {
        var provider = await _cli.NewUserAsync();

        var result = await provider.RunAsync("provider", "register", "--endpoint", "198.18.0.1:51820", "--tunnel-key", NewTunnelKey(), "--region", "DE",
            "--price", "0.001", "--policy", PolicyFile);

        Assert.Equal(ExitCodes.Refused, result.ExitCode);
        Assert.Contains("oracle exchange buy --vpn 500", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateAndAddBond_ChangeOnlyWhatIsGiven()
    {
        var provider = await RegisteredAsync(_cli);

        var update = await provider.RunAsync("provider", "update", "--price", "0.004", "--json");
        var bond = await provider.RunAsync("provider", "add-bond", "--amount", "50.5", "--json");

        Assert.True(update.ExitCode == 0, update.ToString());
        Assert.Equal("0.004", update.Json.GetProperty("provider").GetProperty("pricePerMiB").GetProperty("amount").GetString());
        Assert.Equal("198.18.0.1:51820", update.Json.GetProperty("provider").GetProperty("endpoint").GetString());
        Assert.True(bond.ExitCode == 0, bond.ToString());
        Assert.Equal("550.5", bond.Json.GetProperty("provider").GetProperty("bond").GetProperty("amount").GetString());
    }

    [Fact]
    public async Task Update_NothingGiven_Refused()
    {
        var provider = await RegisteredAsync(_cli);

        var result = await provider.RunAsync("provider", "update");

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
    }

    [Fact]
    public async Task Unbond_ThenWithdrawBeforeTheDelay_RefusedWithTheDate()
    {
        var provider = await RegisteredAsync(_cli);

        var unbond = await provider.RunAsync("provider", "unbond", "--json");
        var withdraw = await provider.RunAsync("provider", "withdraw");
        var list = await _cli.RunAsync("provider", "list", "--json");

        Assert.True(unbond.ExitCode == 0, unbond.ToString());
        Assert.Equal("Unbonding", unbond.Json.GetProperty("provider").GetProperty("status").GetString());
        Assert.Equal(ExitCodes.Refused, withdraw.ExitCode);
        Assert.Matches(@"withdrawn at \d{4}-\d\d-\d\d .* \(in 4\d d", withdraw.Error);
        Assert.DoesNotContain(provider.Address, list.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Withdraw_NotUnbonding_RefusedSayingUnbondFirst()
    {
        var provider = await RegisteredAsync(_cli);

        var result = await provider.RunAsync("provider", "withdraw");

        Assert.Equal(ExitCodes.Refused, result.ExitCode);
        Assert.Contains("provider unbond", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_ByRegionAndMaximumPrice_ShowsOnlyMatchesCheapestFirst()
    {
        var region = "X" + (char)('A' + Random.Shared.Next(26)) + "-" + Random.Shared.Next(100, 999);
        var dear = await RegisteredAsync(_cli, region, "0.009");
        var cheap = await RegisteredAsync(_cli, region, "0.002");
        var tooDear = await RegisteredAsync(_cli, region, "0.05");
        var elsewhere = await RegisteredAsync(_cli, "FR", "0.001");

        var result = await _cli.RunAsync("provider", "list", "--region", region, "--max-price", "0.01", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var addresses = result.Json.EnumerateArray().Select(p => p.GetProperty("address").GetString()).ToList();
        Assert.Equal([cheap.Address, dear.Address], addresses);
        Assert.DoesNotContain(tooDear.Address, addresses);
        Assert.DoesNotContain(elsewhere.Address, addresses);
    }

    [Fact]
    public async Task Show_UnknownProvider_NotFound()
    {
        var stranger = await _cli.NewUserAsync();

        var result = await _cli.RunAsync("provider", "show", stranger.Address);

        Assert.Equal(ExitCodes.NotFound, result.ExitCode);
        Assert.Contains("not a registered provider", result.Error, StringComparison.Ordinal);
    }
}
