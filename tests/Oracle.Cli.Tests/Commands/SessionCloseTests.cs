using Oracle.Cli.Tests.Support;
using Oracle.Testing;

namespace Oracle.Cli.Tests.Commands;

/// <summary>A client's unilateral close to its end (a private chain whose clock the test moves past the challenge window).</summary>
public sealed class SessionCloseTests(PrivateChainFixture node) : IClassFixture<PrivateChainFixture>
{
    [Fact]
    public async Task StartClose_ProviderAnswersWithItsVoucher_FinalizeAfterTheWindowRefundsTheRest()
    {
        using var cli = await CliHarness.OwnNetworkAsync(node.Chain);
        var (client, provider, id) = await SessionCommandsTests.OpenAsync(cli);
        var sid = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var clientBefore = await client.VpnAsync();
        var providerBefore = await provider.VpnAsync();
        var voucher = await Vouchers.WriteAsync(cli, client.Key, id, Oracles.Tokens(2));

        Assert.Equal(0, (await client.RunAsync("session", "start-close", sid)).ExitCode);
        var answer = await provider.RunAsync("session", "settle", sid, "--voucher", voucher);
        await node.Chain.IncreaseTimeAsync(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        var finalize = await provider.RunAsync("session", "finalize-close", sid, "--json");

        Assert.True(answer.ExitCode == 0, answer.ToString());
        Assert.True(finalize.ExitCode == 0, finalize.ToString());
        Assert.Equal("Closed", finalize.Json.GetProperty("session").GetProperty("status").GetString());
        Assert.Equal(providerBefore + Oracles.Tokens(2), await provider.VpnAsync());
        Assert.Equal(clientBefore + Oracles.Tokens(8), await client.VpnAsync());
    }
}
