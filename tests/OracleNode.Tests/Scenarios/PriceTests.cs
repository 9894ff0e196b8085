using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Oracle.Chain.Contracts.PriceFeed;
using OracleNode.Tests.Support;

namespace OracleNode.Tests.Scenarios;

/// <summary>
/// Price reports from a simulated market (files the test writes, as an operator's price sources would be): the nodes
/// move the feeds with it, and a node refuses to report when its own sources disagree or the market left the
/// exchange's band.
/// </summary>
public sealed class PriceTests : IAsyncLifetime
{
    private static readonly decimal Genesis = 0.0001m;
    private TestWorld _world = null!;
    private NodeCluster _cluster = null!;
    private string _market = "";

    public async Task InitializeAsync()
    {
        _world = await TestWorld.DeployAsync(TestWorld.TestParameters with { FeedQuorum = 3 });
        _market = Path.Combine(_world.Folder.FullName, "market");
        Directory.CreateDirectory(_market);
        Write("vpn-eth", Genesis);
        Write("btc-eth", 20m);
        var specs = new[] { "p1", "p2", "p3" }.Select(name => new NodeSpec(name, 5_000, Adjust: c =>
        {
            // Two sources per feed: the market everyone sees, and one of the node's own (a second exchange).
            Write($"vpn-eth-{name}", Genesis);
            Write($"btc-eth-{name}", 20m);
            c["Prices"] = new JsonObject
            {
                ["Enabled"] = true,
                ["Interval"] = "00:00:01",
                ["RefreshAfter"] = "1.00:00:00",
                ["MinChangeBps"] = 100,
                ["MaxSourceSpreadBps"] = 200,
                ["VpnEth"] = Sources("vpn-eth", name),
                ["BtcEth"] = Sources("btc-eth", name),
            };
        }));
        _cluster = await NodeCluster.StartAsync(_world, specs);
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Market_MovesWithinTheBand_FeedFollowsIt()
    {
        MoveMarket("vpn-eth", Genesis * 1.1m);

        await Eventually.WaitAsync(async () => await LatestAsync(_world.Deployer.VpnEthFeed) == Scaled(Genesis * 1.1m), TimeSpan.FromSeconds(90),
            () => $"the VPN/ETH feed did not reach {Genesis * 1.1m}\n{_cluster.Logs()}");

        foreach (var node in _cluster.Nodes)
        {
            await Eventually.WaitAsync(async () => (await node.Store.PriceReportsAsync(20, default)).Any(r => r.Feed == "VPN/ETH" && r.Outcome == "reported"),
                TimeSpan.FromSeconds(30), () => $"{node.Name} has no report of its own\n{node.Log()}");
        }
    }

    [Fact]
    public async Task OneSourceOfANode_FarOff_ThatNodeRefusesAndDoesNotReport()
    {
        MoveMarket("btc-eth", 21m);
        Write("btc-eth-p3", 60m);
        var round = (await _world.Deployer.BtcEthFeed.LatestRoundQueryAsync()) + 1;

        var p3 = _cluster.Node("p3");
        await Eventually.WaitAsync(async () => (await p3.Store.PriceReportsAsync(20, default)).Any(r => r.Feed == "BTC/ETH" && r.Outcome == "refused"),
            TimeSpan.FromSeconds(60), () => "p3 did not refuse\n" + p3.Log());
        await Eventually.WaitAsync(async () => (await _world.Deployer.BtcEthFeed.OpenRoundQueryAsync()).Reports == 2, TimeSpan.FromSeconds(60),
            () => "p1 and p2 did not report\n" + _cluster.Logs());

        var refusal = (await p3.Store.PriceReportsAsync(20, default)).First(r => r.Feed == "BTC/ETH" && r.Outcome == "refused");
        Assert.Contains("disagree", refusal.Detail, StringComparison.Ordinal);
        Assert.Contains(await p3.Store.AlertsAsync(20, default), a => a.Kind == "price-refused-BTC/ETH");
        var reports = await _cluster.World.Chain.ReadOnly.Eth.GetEvent<PriceReportedEvent>(_world.Deployer.BtcEthFeed.Address)
            .GetAllChangesAsync(_world.Chain.ReadOnly.Eth.GetEvent<PriceReportedEvent>(_world.Deployer.BtcEthFeed.Address).CreateFilterInput(Nethereum.RPC.Eth.DTOs.BlockParameter.CreateEarliest(), Nethereum.RPC.Eth.DTOs.BlockParameter.CreateLatest()));
        Assert.DoesNotContain(reports, r => r.Event.RoundId == round && string.Equals(r.Event.Reporter, p3.Oracle.Address, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(Scaled(20m), await LatestAsync(_world.Deployer.BtcEthFeed));
    }

    [Fact]
    public async Task Market_JumpsBeyondTheExchangeBand_EveryNodeRefuses()
    {
        MoveMarket("vpn-eth", Genesis * 1.5m);

        foreach (var node in _cluster.Nodes)
        {
            await Eventually.WaitAsync(async () => (await node.Store.PriceReportsAsync(20, default)).Any(r => r.Feed == "VPN/ETH" && r.Outcome == "refused" && r.Detail.Contains("band", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(60), () => $"{node.Name} did not refuse the jump\n{node.Log()}");
        }

        Assert.Equal(Scaled(Genesis), await LatestAsync(_world.Deployer.VpnEthFeed));
    }

    private JsonObject Sources(string feed, string node) => new()
    {
        ["Sources"] = new JsonArray(
            new JsonObject { ["Name"] = "market", ["File"] = Path.Combine(_market, feed) },
            new JsonObject { ["Name"] = "own", ["File"] = Path.Combine(_market, $"{feed}-{node}"), ["Field"] = "price" }),
    };

    private void MoveMarket(string feed, decimal price)
    {
        Write(feed, price);
        foreach (var node in new[] { "p1", "p2", "p3" })
        {
            Write($"{feed}-{node}", price);
        }
    }

    private void Write(string name, decimal price)
    {
        var path = Path.Combine(_market, name);
        var text = name.Contains('-', StringComparison.Ordinal) && name.Split('-').Length == 3
            ? $"{{\"price\": \"{price.ToString(CultureInfo.InvariantCulture)}\"}}"
            : price.ToString(CultureInfo.InvariantCulture);
        File.WriteAllText(path + ".tmp", text);
        File.Move(path + ".tmp", path, overwrite: true);
    }

    private static BigInteger Scaled(decimal price) => new(price * 1_000_000_000_000_000_000m);

    private static async Task<BigInteger> LatestAsync(PriceFeedService feed) => (await feed.LatestRoundDataQueryAsync()).Answer;
}
