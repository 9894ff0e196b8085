using System.CommandLine;
using System.Globalization;
using Oracle.Actions;
using Oracle.Actions.Exchange;
using Oracle.Actions.Units;
using Oracle.Cli.Hosting;

namespace Oracle.Cli.Commands;

/// <summary><c>oracle exchange quote|buy|sell</c>: VPN for ETH or wrapped BTC at the price feeds' price.</summary>
internal static class ExchangeCommands
{
    public static Command Create(CliApplication app)
    {
        var vpn = new Option<string?>("--vpn") { Description = "VPN to buy or sell, in VPN (12.5)" };
        var pay = new Option<string?>("--pay") { Description = "Buying: the ETH or wBTC to spend instead of --vpn" };
        var with = new Option<string>("--with") { Description = "Buying: pay with eth or wbtc", DefaultValueFactory = _ => "eth" };
        var @for = new Option<string>("--for") { Description = "Selling: receive eth or wbtc", DefaultValueFactory = _ => "eth" };
        var slippage = new Option<string>("--slippage") { Description = "How far below the quote the trade may land, percent", DefaultValueFactory = _ => "0.5" };
        var minOut = new Option<string?>("--min-out") { Description = "The least accepted out (VPN when buying, ETH/wBTC when selling), instead of --slippage" };
        var side = new Argument<string>("side") { Description = "buy or sell" };
        side.AcceptOnlyFromAmong("buy", "sell");

        TradeOrder Order(ParseResult parse, TradeSide tradeSide)
        {
            var counter = Arguments.Counter(tradeSide == TradeSide.Buy ? parse.GetValue(with) : parse.GetValue(@for), tradeSide == TradeSide.Buy ? "--with" : "--for");
            var receiveAsset = tradeSide == TradeSide.Buy ? Asset.Vpn : counter;
            if (tradeSide == TradeSide.Sell && parse.GetValue(pay) is not null)
            {
                throw new ActionFailedException(new ActionError(ActionErrorKind.InvalidInput, "--pay is for buying; to sell, give --vpn"));
            }

            if (parse.GetValue(vpn) is not null && parse.GetValue(pay) is not null)
            {
                throw new ActionFailedException(new ActionError(ActionErrorKind.InvalidInput, "give --vpn or --pay, not both"));
            }

            return new TradeOrder(
                tradeSide,
                counter,
                Arguments.OptionalAmount(parse.GetValue(vpn), Asset.Vpn, "--vpn"),
                Arguments.OptionalAmount(parse.GetValue(pay), counter, "--pay"),
                Arguments.Percent(parse.GetValue(slippage), "--slippage"),
                Arguments.OptionalAmount(parse.GetValue(minOut), receiveAsset, "--min-out"));
        }

        var quote = new Command("quote", "What a trade would give now, after the fee (nothing is sent)") { side, vpn, pay, with, @for, slippage, minOut };
        quote.SetAction((parse, ct) => app.OnChainAsync(parse, false,
            (context, token) => ExchangeActions.QuoteAsync(context, Order(parse, parse.GetValue(side) == "buy" ? TradeSide.Buy : TradeSide.Sell), token), PrintQuote, ct));

        var buy = new Command("buy", "Buy VPN with ETH or wrapped BTC (--vpn 100 --with eth, or --pay 0.01 --with eth)") { vpn, pay, with, slippage, minOut };
        buy.SetAction((parse, ct) => app.OnChainAsync(parse, true, (context, token) => ExchangeActions.TradeAsync(context, Order(parse, TradeSide.Buy), token), PrintTrade, ct));

        var sell = new Command("sell", "Sell VPN back for ETH or wrapped BTC (--vpn 100 --for eth)") { vpn, @for, slippage, minOut };
        sell.SetAction((parse, ct) => app.OnChainAsync(parse, true, (context, token) => ExchangeActions.TradeAsync(context, Order(parse, TradeSide.Sell), token), PrintTrade, ct));

        return new Command("exchange", "Buy and sell VPN at the oracles' price (refused while a price feed is paused or stale)") { quote, buy, sell };
    }

    private static void PrintQuote(ExchangeQuote q, CliOutput output)
    {
        output.Line($"{(q.Side == TradeSide.Buy ? "buy" : "sell")}: pay {q.Pay}, receive {q.Receive}");
        output.Field("at least", q.MinimumOut);
        output.Field("price", $"{q.Price.ToString(CultureInfo.InvariantCulture)} {(q.Side == TradeSide.Buy ? q.Pay.Asset.Symbol : q.Receive.Asset.Symbol)} per VPN (fee {q.FeeBps / 100m:0.##} % included)");
    }

    private static void PrintTrade(TradeResult t, CliOutput output)
    {
        output.Line(t.Side == TradeSide.Buy ? $"bought {t.Received} for {t.Paid}" : $"sold {t.Paid} for {t.Received}");
        output.Field("fee", t.Fee);
        output.Field("transaction", $"{t.TransactionHash} (block {t.Block})");
    }
}
