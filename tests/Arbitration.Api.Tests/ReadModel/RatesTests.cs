using System.Globalization;
using Arbitration.Api.Tests.Support;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.TokenExchange;
using Oracle.Chain.Deployment;
using Oracle.Chain.Errors;
using Oracle.Testing;

namespace Arbitration.Api.Tests.ReadModel;

/// <summary>Both feeds' rounds and the exchange's pause state, judged from the read model exactly as the exchange judges it.</summary>
[Collection(ChainCollection.Name)]
public sealed class RatesTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task Rates_PriceJumpOutsideTheBand_PausedUntilTheExchangeConfirmsAndResumedByACorrection()
    {
        var scenario = api.Scenario;
        var genesis = scenario.Parameters.GenesisVpnEthPrice;
        await scenario.EnsureFreshPricesAsync();
        var buyer = await scenario.NewActorAsync();
        try
        {
            await scenario.ReportPricesAsync(genesis * 3 / 2, scenario.Parameters.GenesisBtcEthPrice);
            await api.SyncAsync();

            var reverted = await Assert.ThrowsAsync<ContractRevertedException>(() => buyer.Exchange.QuoteBuyWithEthQueryAsync(Vpn.One));
            var jump = reverted.Error.As<ExchangePriceJumpUnconfirmedError>();
            var feed = await FeedAsync("vpn-eth");
            Assert.True(feed["paused"]!.GetValue<bool>(), feed.ToJsonString());
            Assert.Equal((long)jump.ConfirmsAt, feed["pausedUntil"]!.GetValue<long>());
            Assert.Equal((genesis * 3 / 2).ToString(CultureInfo.InvariantCulture), feed["latest"]!["answer"]!.ToString());
            Assert.False((await FeedAsync("btc-eth"))["paused"]!.GetValue<bool>());

            // A corrective round back inside the band ends the pause at once.
            await scenario.ReportPricesAsync(genesis, scenario.Parameters.GenesisBtcEthPrice);
            await api.SyncAsync();
            Assert.True(await buyer.Exchange.QuoteBuyWithEthQueryAsync(Vpn.One) > 0);
            feed = await FeedAsync("vpn-eth");
            Assert.False(feed["paused"]!.GetValue<bool>());
            Assert.False(feed["stale"]!.GetValue<bool>());
            Assert.True(feed["rounds"]!.AsArray().Count >= 3);
        }
        finally
        {
            await scenario.ReportPricesAsync(genesis, scenario.Parameters.GenesisBtcEthPrice);
        }
    }

    private async Task<System.Text.Json.Nodes.JsonNode> FeedAsync(string name)
        => (await api.Host.GetJsonAsync("rates"))["feeds"]!.AsArray().Single(f => f!["name"]!.ToString() == name)!;
}
