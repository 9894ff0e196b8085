using System.Numerics;
using Nethereum.Contracts;
using Nethereum.RPC.Eth.DTOs;
using Oracle.Actions.Units;
using Oracle.Chain.Contracts.TokenExchange;
using Oracle.Chain.Deployment;

namespace Oracle.Actions.Exchange;

/// <summary>
/// Buying and selling VPN at the TokenExchange, at its price feeds' price, with a slippage bound. A paused or stale
/// feed is refused with the time trading resumes.
/// </summary>
public static class ExchangeActions
{
    /// <summary>What <paramref name="order"/> would give now (nothing is sent).</summary>
    public static Task<ActionResult<ExchangeQuote>> QuoteAsync(ActionContext context, TradeOrder order, CancellationToken cancellationToken = default)
        => ActionRunner.RunAsync(context, () => QuoteCoreAsync(context, order, cancellationToken), cancellationToken);

    /// <summary>Makes the trade: checks the balance, approves what must be approved, trades with the minimum out.</summary>
    public static Task<ActionResult<TradeResult>> TradeAsync(ActionContext context, TradeOrder order, CancellationToken cancellationToken = default)
        => ActionRunner.RunAsync(context, async () =>
        {
            var account = context.RequireAccount("trading");
            var quote = await QuoteCoreAsync(context, order, cancellationToken).ConfigureAwait(false);
            var exchange = context.AddressOf(ContractNames.TokenExchange);
            await Tokens.RequireBalanceAsync(context, quote.Pay, account, order.Side == TradeSide.Buy ? "buying" : "selling", cancellationToken,
                quote.Pay.Asset == Asset.Vpn ? null : "").ConfigureAwait(false);
            context.Progress.Info($"{(order.Side == TradeSide.Buy ? "buying" : "selling")}: pay {quote.Pay}, receive {quote.Receive} (at least {quote.MinimumOut}) at {quote.Price} {CounterSymbol(quote)}/VPN");
            TransactionReceipt receipt;
            var description = order.Side == TradeSide.Buy ? $"buying {quote.Receive} with {quote.Pay}" : $"selling {quote.Pay} for {quote.Receive}";
            if (order.Side == TradeSide.Buy)
            {
                if (quote.Pay.Asset == Asset.Eth)
                {
                    receipt = await context.SendAsync(description, exchange, new BuyWithEthFunction { MinVpnOut = quote.MinimumOut.BaseUnits, AmountToSend = quote.Pay.BaseUnits },
                        cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await Tokens.EnsureAllowanceAsync(context, quote.Pay, ContractNames.TokenExchange, cancellationToken).ConfigureAwait(false);
                    receipt = await context.SendAsync(description, exchange, new BuyWithBtcFunction { BtcIn = quote.Pay.BaseUnits, MinVpnOut = quote.MinimumOut.BaseUnits },
                        cancellationToken).ConfigureAwait(false);
                }

                var bought = receipt.DecodeAllEvents<VpnBoughtEvent>().Single().Event;
                return new TradeResult(TradeSide.Buy, quote.Pay.Asset.Amount(bought.Paid), Asset.Vpn.Amount(bought.VpnOut), quote.Pay.Asset.Amount(bought.Fee),
                    receipt.TransactionHash, (ulong)receipt.BlockNumber.Value);
            }

            await Tokens.EnsureAllowanceAsync(context, quote.Pay, ContractNames.TokenExchange, cancellationToken).ConfigureAwait(false);
            receipt = quote.Receive.Asset == Asset.Eth
                ? await context.SendAsync(description, exchange, new SellForEthFunction { VpnIn = quote.Pay.BaseUnits, MinEthOut = quote.MinimumOut.BaseUnits }, cancellationToken).ConfigureAwait(false)
                : await context.SendAsync(description, exchange, new SellForBtcFunction { VpnIn = quote.Pay.BaseUnits, MinBtcOut = quote.MinimumOut.BaseUnits }, cancellationToken).ConfigureAwait(false);
            var sold = receipt.DecodeAllEvents<VpnSoldEvent>().Single().Event;
            return new TradeResult(TradeSide.Sell, Asset.Vpn.Amount(sold.VpnIn), quote.Receive.Asset.Amount(sold.Received), quote.Receive.Asset.Amount(sold.Fee),
                receipt.TransactionHash, (ulong)receipt.BlockNumber.Value);
        }, cancellationToken);

    private static async Task<ExchangeQuote> QuoteCoreAsync(ActionContext context, TradeOrder order, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(order);
        if (order.SlippageBps is < 0 or > 5000)
        {
            throw ActionFailedException.InvalidInput("the slippage bound must be between 0 and 50 %");
        }

        var counter = order.CounterAsset == Asset.Eth ? Asset.Eth : await Tokens.WrappedBtcAsync(context, cancellationToken).ConfigureAwait(false);
        var exchange = new TokenExchangeService(context.Web3, context.AddressOf(ContractNames.TokenExchange));
        var feeBps = await exchange.FeeBpsQueryAsync(null, cancellationToken).ConfigureAwait(false);
        TokenAmount pay, receive;
        if (order.Side == TradeSide.Buy)
        {
            Func<BigInteger, Task<BigInteger>> quoteBuy = counter == Asset.Eth
                ? ethIn => exchange.QuoteBuyWithEthQueryAsync(ethIn, null, cancellationToken)
                : btcIn => exchange.QuoteBuyWithBtcQueryAsync(btcIn, null, cancellationToken);
            if (order.Counter is { } spend)
            {
                RequirePositive(spend, "the payment");
                pay = counter.Amount(spend.BaseUnits);
                receive = Asset.Vpn.Amount(await quoteBuy(pay.BaseUnits).ConfigureAwait(false));
            }
            else if (order.Vpn is { } wanted)
            {
                RequirePositive(wanted, "the VPN to buy");
                pay = counter.Amount(await PaymentForAsync(quoteBuy, wanted.BaseUnits, counter).ConfigureAwait(false));
                receive = Asset.Vpn.Amount(await quoteBuy(pay.BaseUnits).ConfigureAwait(false));
            }
            else
            {
                throw ActionFailedException.InvalidInput("say how much to buy: the VPN wanted (--vpn) or the payment (--pay)");
            }
        }
        else
        {
            var vpn = order.Vpn ?? throw ActionFailedException.InvalidInput("say how much VPN to sell (--vpn)");
            RequirePositive(vpn, "the VPN to sell");
            pay = vpn;
            receive = counter.Amount(counter == Asset.Eth
                ? await exchange.QuoteSellForEthQueryAsync(vpn.BaseUnits, null, cancellationToken).ConfigureAwait(false)
                : await exchange.QuoteSellForBtcQueryAsync(vpn.BaseUnits, null, cancellationToken).ConfigureAwait(false));
            var reserve = counter == Asset.Eth
                ? await exchange.EthReserveQueryAsync(null, cancellationToken).ConfigureAwait(false)
                : await exchange.BtcReserveQueryAsync(null, cancellationToken).ConfigureAwait(false);
            if (reserve < receive.BaseUnits)
            {
                throw ActionFailedException.Refused($"the exchange holds {counter.Amount(reserve)} to buy VPN back, less than the {receive} this sale would take; sell less");
            }
        }

        if (receive.IsZero)
        {
            throw ActionFailedException.InvalidInput($"{pay} is too small: it buys nothing at the current price");
        }

        var minimum = order.MinimumOut is { } given
            ? receive.Asset.Amount(given.BaseUnits)
            : receive.Asset.Amount(receive.BaseUnits * (10_000 - order.SlippageBps) / 10_000);
        if (minimum > receive)
        {
            throw ActionFailedException.Refused($"the quote gives {receive}, less than the minimum {minimum} asked for; the trade would revert");
        }

        var counterAmount = order.Side == TradeSide.Buy ? pay : receive;
        var vpnAmount = order.Side == TradeSide.Buy ? receive : pay;
        var price = Ratio(counterAmount, vpnAmount);
        return new ExchangeQuote(order.Side, pay, receive, minimum, feeBps, price);
    }

    // The smallest payment (within a few base units) the quote turns into at least `wanted`: the quote is linear, so
    // one quote of a whole unit gives the rate, and any rounding shortfall is topped up.
    private static async Task<BigInteger> PaymentForAsync(Func<BigInteger, Task<BigInteger>> quote, BigInteger wanted, Asset counter)
    {
        var unit = BigInteger.Pow(10, counter.Decimals);
        var perUnit = await quote(unit).ConfigureAwait(false);
        if (perUnit.IsZero)
        {
            throw ActionFailedException.Refused("the exchange quotes zero VPN for a whole unit: the price feed answers nonsense");
        }

        var pay = (wanted * unit + perUnit - 1) / perUnit;
        for (var i = 0; i < 8; i++)
        {
            var got = await quote(pay).ConfigureAwait(false);
            if (got >= wanted)
            {
                return pay;
            }

            pay += ((wanted - got) * unit + perUnit - 1) / perUnit + 1;
        }

        throw ActionFailedException.Refused("the exchange's quotes do not converge on a payment for that amount; give the payment (--pay) instead");
    }

    private static void RequirePositive(TokenAmount amount, string what)
    {
        if (amount.IsZero)
        {
            throw ActionFailedException.InvalidInput($"{what} must be more than zero");
        }
    }

    private static string CounterSymbol(ExchangeQuote quote) => quote.Side == TradeSide.Buy ? quote.Pay.Asset.Symbol : quote.Receive.Asset.Symbol;

    private static decimal Ratio(TokenAmount counter, TokenAmount vpn)
    {
        if (vpn.IsZero)
        {
            return 0;
        }

        // counter per VPN, both in whole units, to 12 significant places.
        var scaled = counter.BaseUnits * BigInteger.Pow(10, 18 + Asset.Vpn.Decimals - counter.Asset.Decimals) / vpn.BaseUnits;
        return (decimal)scaled / 1_000_000_000_000_000_000m;
    }
}
