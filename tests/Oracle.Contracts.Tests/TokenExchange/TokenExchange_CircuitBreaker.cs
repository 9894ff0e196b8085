using System.Numerics;
using Oracle.Chain;
using Oracle.Chain.Contracts.TokenExchange;
using Oracle.Chain.Deployment;
using Oracle.Contracts.Tests.Support;
using Oracle.Testing;

namespace Oracle.Contracts.Tests.TokenExchange;

[Collection(ChainCollection.Name)]
public sealed class TokenExchange_CircuitBreaker(ChainFixture chain) : IAsyncLifetime
{
    private static readonly BigInteger Ether = BigInteger.Pow(10, 18);
    private TestNetwork _network = null!;
    private Actor _trader = null!;
    private BigInteger _vpnEth;
    private BigInteger _btcEth;

    public async Task InitializeAsync()
    {
        _network = await TestNetwork.DeployAsync(chain);
        _trader = await _network.NewActorAsync(vpn: 5000);
        _vpnEth = _network.Parameters.GenesisVpnEthPrice;
        _btcEth = _network.Parameters.GenesisBtcEthPrice;
        await _network.Deployer.WrappedBtc.MintAsync(_trader.Address, 100_000_000);
        await _trader.WrappedBtc.ApproveAsync(_network.AddressOf(ContractNames.TokenExchange), 100_000_000);
        await TestNetwork.ApproveAsync(_trader, _network.AddressOf(ContractNames.TokenExchange), Vpn.Tokens(5000));
        // A BTC reserve to sell into.
        await _trader.Exchange.BuyWithBtcAsync(50_000_000, 0);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<ulong> ReportVpnEthAsync(BigInteger price)
    {
        await _network.ReportPricesAsync(price, _btcEth);
        return (ulong)(await _trader.VpnEthFeed.LatestRoundDataQueryAsync()).UpdatedAt;
    }

    private async Task AssertPausedAsync(Func<Task> trade, string feed, ulong updatedAt)
    {
        var error = await Revert.WithAsync("ExchangePriceJumpUnconfirmed", trade);
        Assert.Equal(feed, (string)error["feed"]!, ignoreCase: true);
        Assert.Equal(new BigInteger(updatedAt), Assert.IsType<BigInteger>(error["updatedAt"]));
        var delay = (ulong)_network.Parameters.PriceJumpDelay.TotalSeconds;
        Assert.Equal(new BigInteger(updatedAt + delay), Assert.IsType<BigInteger>(error["confirmsAt"]));
    }

    [Fact]
    public async Task Trades_RoundBeyondBand_RevertUntilPriceJumpDelayThenTradeAtNewPrice()
    {
        var feed = _network.AddressOf(ContractNames.PriceFeedVpnEth);
        var updatedAt = await ReportVpnEthAsync(_vpnEth * 2);
        var reserve = await _trader.Exchange.EthReserveQueryAsync();

        await AssertPausedAsync(() => _trader.Exchange.SellForEthAsync(Vpn.Tokens(1000), 0), feed, updatedAt);
        await AssertPausedAsync(() => _trader.Exchange.BuyWithEthAsync(0, Ether), feed, updatedAt);
        await AssertPausedAsync(() => _trader.Exchange.SellForBtcAsync(Vpn.Tokens(1000), 0), feed, updatedAt);
        await AssertPausedAsync(() => _trader.Exchange.BuyWithBtcAsync(1_000_000, 0), feed, updatedAt);
        Assert.Equal(reserve, await _trader.Exchange.EthReserveQueryAsync());

        await chain.IncreaseTimeAsync(_network.Parameters.PriceJumpDelay);
        var sold = TestNetwork.Event<VpnSoldEvent>(await _trader.Exchange.SellForEthAsync(Vpn.Tokens(1000), 0));

        // 1000 VPN at 2 * 10^-4 ETH = 0.2 ETH, minus 0.3 %.
        Assert.Equal(_vpnEth * 2, sold.Price);
        Assert.Equal(Ether / 5 * 9970 / 10_000, sold.Received);
        var reference = await _trader.Exchange.ReferencePriceQueryAsync(feed);
        Assert.Equal(_vpnEth * 2, reference.Answer);
        Assert.Equal(await chain.LatestTimestampAsync(), (ulong)reference.AcceptedAt);
    }

    [Fact]
    public async Task Trades_CorrectiveRoundInsideBand_ResumeAtOnce()
    {
        var feed = _network.AddressOf(ContractNames.PriceFeedVpnEth);
        var updatedAt = await ReportVpnEthAsync(_vpnEth * 1000);
        await AssertPausedAsync(() => _trader.Exchange.SellForEthAsync(Vpn.Tokens(1000), 0), feed, updatedAt);

        // The honest oracles finalize the next round: back within 20 % of the reference (not of the jump).
        await ReportVpnEthAsync(_vpnEth * 11 / 10);
        var sold = TestNetwork.Event<VpnSoldEvent>(await _trader.Exchange.SellForEthAsync(Vpn.Tokens(1000), 0));
        var bought = TestNetwork.Event<VpnBoughtEvent>(await _trader.Exchange.BuyWithEthAsync(0, Ether));

        // Until the round becomes the reference, a sale gets at most the reference and a buy pays at least it.
        Assert.Equal(_vpnEth, sold.Price);
        Assert.Equal(Ether / 10 * 9970 / 10_000, sold.Received);
        Assert.Equal(_vpnEth * 11 / 10, bought.Price);
    }

    [Fact]
    public async Task Trades_MovesInsideBand_DoNotPause()
    {
        // +20 % exactly, then -15 %: each within the band of the reference, which stays put within the delay.
        var feed = _network.AddressOf(ContractNames.PriceFeedVpnEth);
        await ReportVpnEthAsync(_vpnEth * 12 / 10);
        var first = TestNetwork.Event<VpnBoughtEvent>(await _trader.Exchange.BuyWithEthAsync(0, Ether));
        Assert.Equal(_vpnEth * 12 / 10, first.Price);

        await ReportVpnEthAsync(_vpnEth * 85 / 100);
        var second = TestNetwork.Event<VpnSoldEvent>(await _trader.Exchange.SellForEthAsync(Vpn.Tokens(100), 0));
        Assert.Equal(_vpnEth * 85 / 100, second.Price);
        Assert.Equal(_vpnEth, (await _trader.Exchange.ReferencePriceQueryAsync(feed)).Answer);
    }

    [Fact]
    public async Task Trades_WalkOfQuickInBandRounds_PausesOneBandFromTheReference()
    {
        // The attack: +5 % a round, each step traded at, so that each round is inside the band of the last one.
        var feed = _network.AddressOf(ContractNames.PriceFeedVpnEth);
        var before = await _trader.Exchange.ReferencePriceQueryAsync(feed);
        var price = _vpnEth;
        var steps = 0;
        while (true)
        {
            price = price * 105 / 100;
            var updatedAt = await ReportVpnEthAsync(price);
            if ((price - _vpnEth) * 10_000 > _vpnEth * 2000)
            {
                // 1.05^4 = 1.2155: beyond the band of the reference, however small the steps were.
                await AssertPausedAsync(() => _trader.Exchange.SellForEthAsync(Vpn.Tokens(1), 0), feed, updatedAt);
                await AssertPausedAsync(() => _trader.Exchange.BuyWithEthAsync(0, Ether / 1000), feed, updatedAt);
                break;
            }

            // Sales inside the band get the reference price (the lower of the two), never the walked-up one.
            var sold = TestNetwork.Event<VpnSoldEvent>(await _trader.Exchange.SellForEthAsync(Vpn.Tokens(1), 0));
            Assert.Equal(_vpnEth, sold.Price);
            steps++;
        }

        Assert.Equal(3, steps);
        var after = await _trader.Exchange.ReferencePriceQueryAsync(feed);
        Assert.Equal(before.RoundId, after.RoundId);
        Assert.Equal(_vpnEth, after.Answer);
        Assert.Equal(before.AcceptedAt, after.AcceptedAt);
    }

    [Fact]
    public async Task Trades_InBandRoundAfterDelay_AdvancesTheReference()
    {
        var feed = _network.AddressOf(ContractNames.PriceFeedVpnEth);
        await ReportVpnEthAsync(_vpnEth * 11 / 10);
        await _trader.Exchange.SellForEthAsync(Vpn.Tokens(1), 0);
        Assert.Equal(_vpnEth, (await _trader.Exchange.ReferencePriceQueryAsync(feed)).Answer);

        // Once the reference is priceJumpDelay old, the next trade adopts the round it trades at.
        await chain.IncreaseTimeAsync(_network.Parameters.PriceJumpDelay);
        var round = (await _trader.VpnEthFeed.LatestRoundDataQueryAsync()).RoundId;
        await _trader.Exchange.SellForEthAsync(Vpn.Tokens(1), 0);
        var reference = await _trader.Exchange.ReferencePriceQueryAsync(feed);
        Assert.Equal(round, reference.RoundId);
        Assert.Equal(_vpnEth * 11 / 10, reference.Answer);
        Assert.Equal(await chain.LatestTimestampAsync(), (ulong)reference.AcceptedAt);

        // The band is now around 1.1: 1.3 trades at once (it would be a jump from the old reference), a buy at 1.3 and
        // a sale at the reference's 1.1 ...
        await ReportVpnEthAsync(_vpnEth * 13 / 10);
        var bought = TestNetwork.Event<VpnBoughtEvent>(await _trader.Exchange.BuyWithEthAsync(0, Ether / 1000));
        Assert.Equal(_vpnEth * 13 / 10, bought.Price);
        var sold = TestNetwork.Event<VpnSoldEvent>(await _trader.Exchange.SellForEthAsync(Vpn.Tokens(1), 0));
        Assert.Equal(_vpnEth * 11 / 10, sold.Price);
        // ... but does not move it again within the delay: 1.4 is beyond 1.1 + 20 %.
        var updatedAt = await ReportVpnEthAsync(_vpnEth * 14 / 10);
        await AssertPausedAsync(() => _trader.Exchange.SellForEthAsync(Vpn.Tokens(1), 0), feed, updatedAt);
        Assert.Equal(_vpnEth * 11 / 10, (await _trader.Exchange.ReferencePriceQueryAsync(feed)).Answer);
    }

    [Fact]
    public async Task Trades_RunOfJumpRounds_DatedFromItsFirstRound()
    {
        var feed = _network.AddressOf(ContractNames.PriceFeedVpnEth);
        var first = await ReportVpnEthAsync(_vpnEth * 5);
        await chain.IncreaseTimeAsync(TimeSpan.FromMinutes(10));
        // A second round at the jumped price is within the band of the first, yet not of the reference.
        await ReportVpnEthAsync(_vpnEth * 5);

        await AssertPausedAsync(() => _trader.Exchange.SellForEthAsync(Vpn.Tokens(1000), 0), feed, first);
        await chain.IncreaseTimeAsync(_network.Parameters.PriceJumpDelay - TimeSpan.FromMinutes(10));
        var sold = TestNetwork.Event<VpnSoldEvent>(await _trader.Exchange.SellForEthAsync(Vpn.Tokens(100), 0));
        Assert.Equal(_vpnEth * 5, sold.Price);
    }

    [Fact]
    public async Task Trades_BtcEthJump_PausesOnlyBtcTrades()
    {
        var feed = _network.AddressOf(ContractNames.PriceFeedBtcEth);
        await _network.ReportPricesAsync(_vpnEth, _btcEth / 2);
        var updatedAt = (ulong)(await _trader.BtcEthFeed.LatestRoundDataQueryAsync()).UpdatedAt;

        await AssertPausedAsync(() => _trader.Exchange.SellForBtcAsync(Vpn.Tokens(1000), 0), feed, updatedAt);
        await AssertPausedAsync(() => _trader.Exchange.BuyWithBtcAsync(1_000_000, 0), feed, updatedAt);
        var bought = TestNetwork.Event<VpnBoughtEvent>(await _trader.Exchange.BuyWithEthAsync(0, Ether));
        Assert.Equal(_vpnEth, bought.Price);
    }

    [Fact]
    public async Task Deploy_BadBandOrDelay_RevertWithNamedErrors()
    {
        var web3 = _network.Deployer.Web3;
        var deployment = new TokenExchangeDeployment
        {
            Vpn = _network.AddressOf(ContractNames.VpnToken), Wbtc = _network.AddressOf(ContractNames.WrappedBtc),
            VpnEth = _network.AddressOf(ContractNames.PriceFeedVpnEth), BtcEth = _network.AddressOf(ContractNames.PriceFeedBtcEth),
            FeeBps = 30, MaxPriceAge = 3600, MaxPriceJumpBps = 0, PriceJumpDelay = 1800, Owner = _trader.Address,
        };
        await Revert.WithAsync("ExchangeInvalidPriceJump", () => ContractDeployer.DeployAsync(web3, "TokenExchange", deployment));
        deployment.MaxPriceJumpBps = 10_001;
        await Revert.WithAsync("ExchangeInvalidPriceJump", () => ContractDeployer.DeployAsync(web3, "TokenExchange", deployment));
        deployment.MaxPriceJumpBps = 2000;
        deployment.PriceJumpDelay = 0;
        await Revert.WithAsync("ExchangeInvalidPriceJumpDelay", () => ContractDeployer.DeployAsync(web3, "TokenExchange", deployment));
        deployment.PriceJumpDelay = 3600;
        await Revert.WithAsync("ExchangeInvalidPriceJumpDelay", () => ContractDeployer.DeployAsync(web3, "TokenExchange", deployment));

        Assert.Equal(2000, await _trader.Exchange.MaxPriceJumpBpsQueryAsync());
        Assert.Equal(1800UL, await _trader.Exchange.PriceJumpDelayQueryAsync());
        Assert.Throws<ArgumentException>(() => (NetworkParameters.Devnet with { PriceJumpDelay = TimeSpan.FromHours(1) }).Validate());
    }
}
