using Oracle.Actions.Units;

namespace Oracle.Actions.Exchange;

/// <summary>
/// A trade as a person asks for it. Buying: either the VPN wanted (<see cref="Vpn"/>; the payment is computed from the
/// quote) or the payment (<see cref="Counter"/>). Selling: the VPN to sell. The minimum accepted out is
/// <see cref="MinimumOut"/> when given, else the quote less <see cref="SlippageBps"/>.
/// </summary>
/// <param name="Side">Buy or sell.</param>
/// <param name="CounterAsset">ETH or wrapped BTC: what is paid (buying) or received (selling).</param>
/// <param name="Vpn">The VPN to buy or sell.</param>
/// <param name="Counter">Buying only: the ETH or wrapped BTC to spend, instead of <paramref name="Vpn"/>.</param>
/// <param name="SlippageBps">How far below the quote the result may fall, in basis points (50 = 0.5 %).</param>
/// <param name="MinimumOut">The least accepted out, instead of the slippage bound.</param>
public sealed record TradeOrder(TradeSide Side, Asset CounterAsset, TokenAmount? Vpn, TokenAmount? Counter = null, int SlippageBps = TradeOrder.DefaultSlippageBps,
    TokenAmount? MinimumOut = null)
{
    /// <summary>The default slippage bound: 0.5 %.</summary>
    public const int DefaultSlippageBps = 50;
}
