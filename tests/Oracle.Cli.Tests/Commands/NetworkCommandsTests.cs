using System.Text.Json.Nodes;
using Oracle.Chain.Deployment;
using Oracle.Cli.Hosting;
using Oracle.Cli.Tests.Support;

namespace Oracle.Cli.Tests.Commands;

public sealed class NetworkCommandsTests : IAsyncLifetime
{
    private CliHarness _cli = null!;

    public async Task InitializeAsync() => _cli = await CliHarness.SharedAsync();

    public Task DisposeAsync()
    {
        _cli.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Deploy_WithAParametersFile_WritesAManifestThatVerifiesAndHasTheParameters()
    {
        var deployer = await _cli.NewUserAsync(1000);
        var parameters = Path.Combine(_cli.Folder, "params.json");
        await File.WriteAllTextAsync(parameters, """
            { // a public testnet would also name its wrappedBtc
              "commitPeriod": "2h", "revealPeriod": "2h", "appealPeriod": "1d", "providerMinBond": "250", "exchangeFeeBps": 50
            }
            """);
        var manifest = Path.Combine(_cli.Folder, "deployments", "mynet.json");

        var deploy = await deployer.RunAsync("network", "deploy", "--name", "mynet", "--parameters", parameters, "--out", manifest, "--json");
        var verify = await _cli.RunAsync("network", "verify", "--manifest", manifest);

        Assert.True(deploy.ExitCode == 0, deploy.ToString());
        Assert.True(deploy.Json.GetProperty("verified").GetBoolean());
        var written = DeploymentManifest.Load(manifest);
        Assert.Equal("mynet", written.Network);
        Assert.Equal(_cli.Chain.RpcUrl, written.RpcUrl);
        Assert.Equal(12, written.Contracts.Count); // with the devnet's LocalVrfCoordinator
        var registry = new Oracle.Chain.Contracts.ProviderRegistry.ProviderRegistryService(_cli.Chain.ReadOnly, written.AddressOf(ContractNames.ProviderRegistry));
        Assert.Equal(Oracles.Tokens(250), await registry.MinBondQueryAsync());
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("verified", verify.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_ManifestExists_RefusedAndNothingDeployed()
    {
        var deployer = await _cli.NewUserAsync(1000);
        var manifest = Path.Combine(_cli.Folder, "taken.json");
        await File.WriteAllTextAsync(manifest, "{}");

        var deploy = await deployer.RunAsync("network", "deploy", "--name", "taken", "--out", manifest);

        Assert.Equal(ExitCodes.Refused, deploy.ExitCode);
        Assert.Contains("never overwritten", deploy.Error, StringComparison.Ordinal);
        Assert.Equal("{}", await File.ReadAllTextAsync(manifest));
    }

    [Theory]
    [InlineData("""{"bogus": 1}""", "unknown key 'bogus'")]
    [InlineData("""{"commitPeriod": "soon"}""", "not a duration")]
    [InlineData("""{"providerMinBond": "-5"}""", "negative")]
    [InlineData("""{"maxSessionDuration": "60d"}""", "unbonding delay")]
    [InlineData("""{"wrappedBtc": "0x12"}""", "not an address")]
    [InlineData("not json", "not JSON")]
    public async Task Deploy_WrongParameters_RefusedNamingTheProblem(string json, string reason)
    {
        var deployer = await _cli.NewUserAsync(10);
        var parameters = Path.Combine(_cli.Folder, $"p-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(parameters, json);

        var deploy = await deployer.RunAsync("network", "deploy", "--name", "x", "--parameters", parameters, "--out", Path.Combine(_cli.Folder, "x.json"));

        Assert.Equal(ExitCodes.InvalidInput, deploy.ExitCode);
        Assert.Contains(reason, deploy.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_cli.Folder, "x.json")));
    }

    [Fact]
    public async Task Verify_ManifestPointingElsewhere_FailsTheCheckWithExitCode1()
    {
        var tampered = JsonNode.Parse(await File.ReadAllTextAsync(_cli.Manifest))!;
        var contracts = tampered["contracts"]!;
        // The exchange's address swapped for the token's: code is there, but it is not what the manifest says it is.
        contracts["TokenExchange"]!["address"] = contracts["VpnToken"]!["address"]!.GetValue<string>();
        var path = Path.Combine(_cli.Folder, "tampered.json");
        await File.WriteAllTextAsync(path, tampered.ToJsonString());

        var verify = await _cli.RunAsync("network", "verify", "--manifest", path, "--json");

        Assert.Equal(ExitCodes.Refused, verify.ExitCode);
        Assert.False(verify.Json.GetProperty("verified").GetBoolean());
        Assert.Contains(verify.Json.GetProperty("checks").EnumerateArray(), c => !c.GetProperty("passed").GetBoolean()
            && c.GetProperty("what").GetString()!.StartsWith("TokenExchange: created at", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Deploy_DeployerWithoutEth_Refused()
    {
        var broke = await _cli.NewUserAsync(0);

        var deploy = await broke.RunAsync("network", "deploy", "--name", "broke", "--out", Path.Combine(_cli.Folder, "broke.json"));

        Assert.Equal(ExitCodes.Refused, deploy.ExitCode);
        Assert.Contains("no ETH", deploy.Error, StringComparison.Ordinal);
    }
}
