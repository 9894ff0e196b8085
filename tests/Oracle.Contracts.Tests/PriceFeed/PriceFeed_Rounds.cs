using System.Numerics;
using Oracle.Chain.Contracts.PriceFeed;
using Oracle.Contracts.Tests.Support;
using Oracle.Testing;

namespace Oracle.Contracts.Tests.PriceFeed;

[Collection(ChainCollection.Name)]
public sealed class PriceFeed_Rounds(ChainFixture chain) : IAsyncLifetime
{
    private TestNetwork _network = null!;

    public async Task InitializeAsync() => _network = await TestNetwork.DeployAsync(chain);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Report_QuorumReached_FinalizesMedianChainlinkStyle()
    {
        var r = _network.PriceOracles;
        var feed = r[0].VpnEthFeed;
        var round = await feed.LatestRoundQueryAsync() + 1;

        await r[0].VpnEthFeed.ReportAsync(round, 300);
        var open = await feed.OpenRoundQueryAsync();
        Assert.Equal(round, open.RoundId);
        Assert.Equal(1, open.Reports);
        await r[1].VpnEthFeed.ReportAsync(round, 100);
        var finalized = TestNetwork.Event<AnswerUpdatedEvent>(await r[2].VpnEthFeed.ReportAsync(round, 200));

        Assert.Equal(200, finalized.Current);
        var data = await feed.GetRoundDataQueryAsync(round);
        Assert.Equal(200, data.Answer);
        Assert.Equal(round, data.AnsweredInRound);
        Assert.Equal(18, await feed.DecimalsQueryAsync());
        Assert.Equal("VPN / ETH", await feed.DescriptionQueryAsync());
        Assert.Equal(1, await feed.VersionQueryAsync());
        Assert.Equal(3, await feed.QuorumQueryAsync());
        Assert.Equal(1800UL, await feed.RoundTimeoutQueryAsync());
    }

    [Fact]
    public async Task Report_RoundTimedOut_RestartsWithoutStaleReports()
    {
        var r = _network.PriceOracles;
        var round = await r[0].BtcEthFeed.LatestRoundQueryAsync() + 1;
        await r[0].BtcEthFeed.ReportAsync(round, 1_000);
        await chain.IncreaseTimeAsync(_network.Parameters.FeedRoundTimeout);

        var restarted = await r[1].BtcEthFeed.ReportAsync(round, 2_000);
        Assert.Single(Nethereum.Contracts.EventExtensions.DecodeAllEvents<RoundRestartedEvent>(restarted));
        // The first reporter may report again in the new attempt; its old report is gone.
        await r[0].BtcEthFeed.ReportAsync(round, 2_000);
        await r[2].BtcEthFeed.ReportAsync(round, 2_002);

        Assert.Equal(2_000, (await r[0].BtcEthFeed.LatestRoundDataQueryAsync()).Answer);
    }

    [Fact]
    public async Task Report_BadReports_RevertWithNamedErrors()
    {
        var r = _network.PriceOracles;
        var round = await r[0].VpnEthFeed.LatestRoundQueryAsync() + 1;

        await Revert.WithAsync("PriceFeedWrongRound", () => r[0].VpnEthFeed.ReportAsync(round + 1, 5));
        await Revert.WithAsync("PriceFeedInvalidAnswer", () => r[0].VpnEthFeed.ReportAsync(round, 0));
        await Revert.WithAsync("PriceFeedInvalidAnswer", () => r[0].VpnEthFeed.ReportAsync(round, BigInteger.Pow(2, 200)));
        await r[0].VpnEthFeed.ReportAsync(round, 5);
        await Revert.WithAsync("PriceFeedAlreadyReported", () => r[0].VpnEthFeed.ReportAsync(round, 6));
        await Revert.WithAsync("PriceFeedNoData", () => r[0].VpnEthFeed.GetRoundDataQueryAsync(round + 5));
        Assert.Equal(_network.AddressOf(Oracle.Chain.Deployment.ContractNames.OracleRegistry), await r[0].VpnEthFeed.OracleRegistryQueryAsync(), ignoreCase: true);
    }

    [Fact]
    public async Task Deploy_InvalidQuorum_RevertsPriceFeedInvalidQuorum()
    {
        var deployment = new PriceFeedDeployment { Registry = _network.AddressOf(Oracle.Chain.Deployment.ContractNames.OracleRegistry), Description = "X / Y", Quorum = 0, RoundTimeout = 60, GenesisAnswer = 1 };
        await Revert.WithAsync("PriceFeedInvalidQuorum", () => Oracle.Chain.Deployment.ContractDeployer.DeployAsync(_network.Deployer.Web3, "PriceFeed", deployment));
    }
}
