using System.Numerics;
using Oracle.Chain.Contracts.TokenExchange;
using Oracle.Chain.Deployment;
using Oracle.Contracts.Tests.Support;
using Oracle.Testing;

namespace Oracle.Contracts.Tests.TokenExchange;

[Collection(ChainCollection.Name)]
public sealed class TokenExchange_Trades(ChainFixture chain) : IAsyncLifetime
{
    private static readonly BigInteger Ether = BigInteger.Pow(10, 18);
    private TestNetwork _network = null!;
    private Actor _trader = null!;

    public async Task InitializeAsync()
    {
        _network = await TestNetwork.DeployAsync(chain);
        _trader = await _network.NewActorAsync();
    }

    // Other test processes may move the shared chain's clock: start every trade from a fresh round.
    private Task FreshAsync() => _network.EnsureFreshPricesAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task BuyWithEth_AtFeedPrice_MintsAfterFee()
    {
        await FreshAsync();
        var quote = await _trader.Exchange.QuoteBuyWithEthQueryAsync(Ether);
        var supplyBefore = await _trader.Token.TotalSupplyQueryAsync();
        var feesBefore = (await _trader.Exchange.AccruedFeesQueryAsync()).Eth;

        var bought = TestNetwork.Event<VpnBoughtEvent>(await _trader.Exchange.BuyWithEthAsync(quote, Ether));

        // 1 ETH at 10^-4 ETH per VPN, minus 0.3 %: 9970 VPN.
        Assert.Equal(Vpn.Tokens(9970), bought.VpnOut);
        Assert.Equal(quote, bought.VpnOut);
        Assert.Equal(Vpn.Tokens(9970), await _trader.VpnBalanceAsync());
        Assert.Equal(supplyBefore + Vpn.Tokens(9970), await _trader.Token.TotalSupplyQueryAsync());
        Assert.Equal(feesBefore + (Ether * 30 / 10_000), (await _trader.Exchange.AccruedFeesQueryAsync()).Eth);
    }

    [Fact]
    public async Task SellForEth_FromReserve_BurnsAndPaysAfterFee()
    {
        await FreshAsync();
        await _trader.Exchange.BuyWithEthAsync(0, Ether);
        await TestNetwork.ApproveAsync(_trader, _network.AddressOf(ContractNames.TokenExchange), Vpn.Tokens(1000));
        var supplyBefore = await _trader.Token.TotalSupplyQueryAsync();
        var quote = await _trader.Exchange.QuoteSellForEthQueryAsync(Vpn.Tokens(1000));

        var sold = TestNetwork.Event<VpnSoldEvent>(await _trader.Exchange.SellForEthAsync(Vpn.Tokens(1000), quote));

        Assert.Equal(Ether / 10 * 9970 / 10_000, sold.Received);
        Assert.Equal(supplyBefore - Vpn.Tokens(1000), await _trader.Token.TotalSupplyQueryAsync());
    }

    [Fact]
    public async Task BuyAndSellWithBtc_AtCrossRate_RoundTrips()
    {
        await FreshAsync();
        await _network.Deployer.WrappedBtc.MintAsync(_trader.Address, 100_000_000);
        await _trader.WrappedBtc.ApproveAsync(_network.AddressOf(ContractNames.TokenExchange), 100_000_000);

        // 1 BTC = 20 ETH = 200,000 VPN; minus 0.3 %.
        var bought = TestNetwork.Event<VpnBoughtEvent>(await _trader.Exchange.BuyWithBtcAsync(100_000_000, 0));
        Assert.Equal(Vpn.Tokens(199_400), bought.VpnOut);
        Assert.True((await _trader.Exchange.AccruedFeesQueryAsync()).Btc >= 300_000);
        Assert.True(await _trader.Exchange.BtcReserveQueryAsync() >= 99_700_000);

        await TestNetwork.ApproveAsync(_trader, _network.AddressOf(ContractNames.TokenExchange), Vpn.Tokens(100_000));
        var quote = await _trader.Exchange.QuoteSellForBtcQueryAsync(Vpn.Tokens(100_000));
        var sold = TestNetwork.Event<VpnSoldEvent>(await _trader.Exchange.SellForBtcAsync(Vpn.Tokens(100_000), quote));
        Assert.Equal(new BigInteger(50_000_000) * 9970 / 10_000, sold.Received);
        Assert.Equal(quote, sold.Received);
        Assert.Equal(Vpn.Tokens(199_400), await _trader.Exchange.QuoteBuyWithBtcQueryAsync(100_000_000));
    }

    [Fact]
    public async Task Trades_BadArguments_RevertWithNamedErrors()
    {
        await FreshAsync();
        await Revert.WithAsync("ExchangeZeroAmount", () => _trader.Exchange.BuyWithEthAsync(0, 0));
        await Revert.WithAsync("ExchangeZeroAmount", () => _trader.Exchange.SellForEthAsync(0, 0));
        await Revert.WithAsync("ExchangeZeroAmount", () => _trader.Exchange.BuyWithBtcAsync(0, 0));
        await Revert.WithAsync("ExchangeZeroAmount", () => _trader.Exchange.SellForBtcAsync(0, 0));
        await Revert.WithAsync("ExchangeSlippage", () => _trader.Exchange.BuyWithEthAsync(Vpn.Tokens(10_000), Ether));
        await _trader.Exchange.BuyWithEthAsync(0, Ether);
        await TestNetwork.ApproveAsync(_trader, _network.AddressOf(ContractNames.TokenExchange), Vpn.Tokens(9000));
        await Revert.WithAsync("ExchangeSlippage", () => _trader.Exchange.SellForEthAsync(Vpn.Tokens(1000), Ether));
        // The BTC reserve is empty until someone pays in wrapped BTC.
        await Revert.WithAsync("ExchangeInsufficientReserve", () => _trader.Exchange.SellForBtcAsync(Vpn.Tokens(1000), 0));
        await Revert.WithAsync("OwnableUnauthorizedAccount", () => _trader.Exchange.WithdrawFeesAsync(_trader.Address));
    }

    [Fact]
    public async Task WithdrawFees_Owner_SendsAccruedFeesOnly()
    {
        await FreshAsync();
        await _trader.Exchange.BuyWithEthAsync(0, Ether);
        var reserve = await _trader.Exchange.EthReserveQueryAsync();
        var to = await _network.NewActorAsync();
        var before = await chain.ReadOnly.Eth.GetBalance.SendRequestAsync(to.Address);

        var withdrawn = TestNetwork.Event<FeesWithdrawnEvent>(await _network.Deployer.Exchange.WithdrawFeesAsync(to.Address));

        Assert.True(withdrawn.Eth >= Ether * 30 / 10_000);
        Assert.Equal(0, (await _trader.Exchange.AccruedFeesQueryAsync()).Eth);
        Assert.Equal(before.Value + withdrawn.Eth, (await chain.ReadOnly.Eth.GetBalance.SendRequestAsync(to.Address)).Value);
        Assert.Equal(reserve, await _trader.Exchange.EthReserveQueryAsync());
        Assert.Equal(30, await _trader.Exchange.FeeBpsQueryAsync());
        Assert.Equal(_network.AddressOf(ContractNames.VpnToken), await _trader.Exchange.TokenQueryAsync(), ignoreCase: true);
        Assert.Equal(_network.AddressOf(ContractNames.WrappedBtc), await _trader.Exchange.WrappedBtcQueryAsync(), ignoreCase: true);
        Assert.Equal(_network.AddressOf(ContractNames.PriceFeedVpnEth), await _trader.Exchange.VpnEthFeedQueryAsync(), ignoreCase: true);
        Assert.Equal(_network.AddressOf(ContractNames.PriceFeedBtcEth), await _trader.Exchange.BtcEthFeedQueryAsync(), ignoreCase: true);
        Assert.Equal(3600UL, await _trader.Exchange.MaxPriceAgeQueryAsync());
    }

    [Fact]
    public async Task VpnToken_OnlyTheExchangeMints_RevertsVpnTokenUnauthorizedMinter()
    {
        await FreshAsync();
        await Revert.WithAsync("VpnTokenUnauthorizedMinter", () => _trader.Token.MintAsync(_trader.Address, 1));
        await Revert.WithAsync("VpnTokenUnauthorizedMinter", () => _trader.Token.BurnAsync(1));
        await Revert.WithAsync("VpnTokenUnauthorizedMinter", () => _trader.Token.SetMinterAsync(_trader.Address));
        await Revert.WithAsync("VpnTokenMinterAlreadySet", () => _network.Deployer.Token.SetMinterAsync(_trader.Address));
        Assert.Equal(_network.AddressOf(ContractNames.TokenExchange), await _trader.Token.MinterQueryAsync(), ignoreCase: true);
    }

    [Fact]
    public async Task Deploy_BadFeeOrNonPositiveFeed_RevertWithNamedErrors()
    {
        await FreshAsync();
        var web3 = _network.Deployer.Web3;
        var zeroFeed = await ContractDeployer.DeployAsync(web3, Oracle.Testing.Contracts.TestContractArtifacts.Get("FixedAnswerFeed"), new Oracle.Testing.Contracts.FixedAnswerFeed.FixedAnswerFeedDeployment { Answer = 0 });
        var deployment = new TokenExchangeDeployment
        {
            Vpn = _network.AddressOf(ContractNames.VpnToken), Wbtc = _network.AddressOf(ContractNames.WrappedBtc), VpnEth = zeroFeed.Address,
            BtcEth = zeroFeed.Address, FeeBps = 2000, MaxPriceAge = 60, MaxPriceJumpBps = 2000, PriceJumpDelay = 30, Owner = _trader.Address,
        };
        await Revert.WithAsync("ExchangeInvalidFee", () => ContractDeployer.DeployAsync(web3, "TokenExchange", deployment));
        deployment.FeeBps = 10;
        var exchange = await ContractDeployer.DeployAsync(web3, "TokenExchange", deployment);

        await Revert.WithAsync("ExchangeInvalidPrice", () => new TokenExchangeService(_trader.Web3, exchange.Address).BuyWithEthAsync(0, Ether));
        await Revert.WithAsync("DevWrappedBtcUnauthorized", () => _trader.WrappedBtc.MintAsync(_trader.Address, 1));
        var token = await ContractDeployer.DeployAsync(web3, "VpnToken", new Oracle.Chain.Contracts.VpnToken.VpnTokenDeployment());
        await Revert.WithAsync("VpnTokenInvalidMinter", () => new Oracle.Chain.Contracts.VpnToken.VpnTokenService(web3, token.Address).SetMinterAsync("0x0000000000000000000000000000000000000000"));
    }
}
