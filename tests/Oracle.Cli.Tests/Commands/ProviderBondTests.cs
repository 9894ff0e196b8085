using Oracle.Cli.Tests.Support;
using Oracle.Testing;

namespace Oracle.Cli.Tests.Commands;

/// <summary>The bond's whole life: unbond, wait out the delay (a private chain whose clock the test moves), withdraw.</summary>
public sealed class ProviderBondTests(PrivateChainFixture node) : IClassFixture<PrivateChainFixture>
{
    [Fact]
    public async Task Withdraw_AfterTheUnbondingDelay_BondComesBackAndTheProviderLeaves()
    {
        using var cli = await CliHarness.OwnNetworkAsync(node.Chain);
        var provider = await ProviderCommandsTests.RegisteredAsync(cli);
        var before = await provider.VpnAsync();
        Assert.Equal(0, (await provider.RunAsync("provider", "unbond")).ExitCode);
        await node.Chain.IncreaseTimeAsync(TimeSpan.FromDays(46));

        var withdraw = await provider.RunAsync("provider", "withdraw");
        var show = await provider.RunAsync("provider", "show");

        Assert.True(withdraw.ExitCode == 0, withdraw.ToString());
        Assert.Equal(before + Oracles.Tokens(500), await provider.VpnAsync());
        Assert.Equal(Oracle.Cli.Hosting.ExitCodes.NotFound, show.ExitCode);
    }
}
