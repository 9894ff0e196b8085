using System.Text.Json;
using Oracle.Chain.Keys;
using OracleNode.Tests.Support;

namespace OracleNode.Tests.Commands;

/// <summary>
/// The operator's commands as processes: what they do on the chain, and that every mistake is one line on standard
/// error with exit code 2 (never a stack trace).
/// </summary>
public sealed class CommandLineTests : IAsyncLifetime
{
    private TestWorld _world = null!;
    private Party _operator = null!;
    private string _config = "";

    public async Task InitializeAsync()
    {
        _world = await TestWorld.DeployAsync();
        _operator = await _world.NewPartyAsync(vpn: 3_000);
        var keystore = Path.Combine(_world.Folder.FullName, "operator.json");
        KeyStoreFile.Create(keystore, _operator.Key, TestWorld.Password, KeyStoreCost.Light);
        _config = Path.Combine(_world.Folder.FullName, "operator-node.json");
        NodeProcess.WriteConfig(_config, _world, keystore, Path.Combine(_world.Folder.FullName, "operator.db"));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task StakeUnstakeWithdraw_AnOperatorsDay_StakeMovesAndTokensComeBack()
    {
        var before = await _operator.VpnBalanceAsync();

        var staked = await NodeCli.RunAsync("stake", "2500.5", "--config", _config);
        var unstaked = await NodeCli.RunAsync("unstake", "1000", "--config", _config);
        var early = await NodeCli.RunAsync("withdraw", "--config", _config);
        await _world.Chain.IncreaseTimeAsync(_world.Parameters.OracleUnbondingDelay + TimeSpan.FromSeconds(1));
        var withdrawn = await NodeCli.RunAsync("withdraw", "--config", _config);
        var status = await NodeCli.RunAsync("status", "--json", "--config", _config);

        Assert.True(staked.ExitCode == 0, staked.Error);
        Assert.Contains("stake 2,500.5 VPN", staked.Output, StringComparison.Ordinal);
        Assert.True(unstaked.ExitCode == 0, unstaked.Error);
        Assert.Contains("withdrawable from", unstaked.Output, StringComparison.Ordinal);
        Assert.Equal(2, early.ExitCode);
        Assert.Contains("become withdrawable at", early.Error, StringComparison.Ordinal);
        OneLine(early.Error);
        Assert.True(withdrawn.ExitCode == 0, withdrawn.Error);
        Assert.Equal(before - TestWorld.Vpn(1500) - TestWorld.Vpn(1) / 2, await _operator.VpnBalanceAsync());
        Assert.True(status.ExitCode == 0, status.Error);
        using var json = JsonDocument.Parse(status.Output);
        Assert.Equal("1,500.5", json.RootElement.GetProperty("account").GetProperty("stake").GetString());
        Assert.True(json.RootElement.GetProperty("account").GetProperty("isOracle").GetBoolean());
    }

    [Theory]
    [InlineData("stake", "lots")]
    [InlineData("stake", "1.0000000000000000001")]
    [InlineData("stake", "999999")]
    [InlineData("stake", "10")]
    [InlineData("unstake", "5")]
    [InlineData("withdraw")]
    public async Task Command_Mistake_OneLineAndExitCode2(params string[] command)
    {
        var (exitCode, output, error) = await NodeCli.RunAsync([.. command, "--config", _config]);

        Assert.Equal(2, exitCode);
        Assert.StartsWith("oracle-node: ", error, StringComparison.Ordinal);
        OneLine(error);
        Assert.DoesNotContain("   at ", error + output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnknownSettingInItsSection_OneLineNamingIt()
    {
        var config = _config.Replace(".json", "-typo.json", StringComparison.Ordinal);
        File.WriteAllText(config, File.ReadAllText(_config).Replace("\"TickInterval\"", "\"TickIntervall\"", StringComparison.Ordinal));

        var (exitCode, _, error) = await NodeCli.RunAsync("run", "--config", config);

        Assert.Equal(2, exitCode);
        Assert.Contains("TickIntervall", error, StringComparison.Ordinal);
        OneLine(error);
    }

    [Fact]
    public async Task Run_MisspeltSection_OneLineNamingItAndTheNearestSetting()
    {
        var config = _config.Replace(".json", "-section.json", StringComparison.Ordinal);
        File.WriteAllText(config, File.ReadAllText(_config).Replace("\"Keeper\"", "\"Keper\"", StringComparison.Ordinal));

        var (exitCode, _, error) = await NodeCli.RunAsync("status", "--config", config);

        Assert.Equal(2, exitCode);
        Assert.Contains("Keper", error, StringComparison.Ordinal);
        Assert.Contains("Keeper", error, StringComparison.Ordinal);
        OneLine(error);
    }

    [Fact]
    public async Task Run_TestSwitchWithAnUnknownStep_OneLineNamingIt()
    {
        var config = _config.Replace(".json", "-switch.json", StringComparison.Ordinal);
        File.WriteAllText(config, File.ReadAllText(_config).Replace("\"DecisionMargin\"", "\"CrashAfterForTesting\": \"later\", \"DecisionMargin\"", StringComparison.Ordinal));

        var (exitCode, _, error) = await NodeCli.RunAsync("run", "--config", config);

        Assert.Equal(2, exitCode);
        Assert.Contains("CrashAfterForTesting", error, StringComparison.Ordinal);
        OneLine(error);
    }

    [Fact]
    public async Task Init_NewKeystore_AddressPrintedAndNeverOverwritten()
    {
        var keystore = Path.Combine(_world.Folder.FullName, "new-key.json");

        var created = await NodeCli.RunAsync("init", "--keystore", keystore, "--password-file", _world.PasswordFile, "--light");
        var again = await NodeCli.RunAsync("init", "--keystore", keystore, "--password-file", _world.PasswordFile, "--light");

        Assert.True(created.ExitCode == 0, created.Error);
        var address = created.Output.Trim();
        Assert.Equal(address, KeyStoreFile.Load(keystore, TestWorld.Password).GetPublicAddress());
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("never overwrites", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Claim_NothingOwed_ZeroAndSuccess()
    {
        var (exitCode, output, error) = await NodeCli.RunAsync("claim", "--config", _config);

        Assert.True(exitCode == 0, error);
        Assert.Contains("claimed 0 VPN in 0 round(s)", output, StringComparison.Ordinal);
    }

    private static void OneLine(string error) => Assert.Single(error.Trim().Split('\n'));
}
