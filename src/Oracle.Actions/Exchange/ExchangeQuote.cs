using Oracle.Actions.Units;

namespace Oracle.Actions.Exchange;

/// <summary>What a trade gives at the current feed price, after the exchange's fee.</summary>
/// <param name="Side">Buy or sell.</param>
/// <param name="Pay">What is paid (ETH or wrapped BTC when buying, VPN when selling).</param>
/// <param name="Receive">What the quote says comes back.</param>
/// <param name="MinimumOut">The least the trade accepts (the slippage bound); the trade reverts below it.</param>
/// <param name="FeeBps">The exchange's fee, basis points.</param>
/// <param name="Price">The effective price: the counter asset per VPN, fee included.</param>
public sealed record ExchangeQuote(TradeSide Side, TokenAmount Pay, TokenAmount Receive, TokenAmount MinimumOut, int FeeBps, decimal Price);
