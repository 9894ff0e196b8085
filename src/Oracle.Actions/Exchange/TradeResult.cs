using Oracle.Actions.Units;

namespace Oracle.Actions.Exchange;

/// <summary>A trade made: what was paid and received, from the exchange's event.</summary>
/// <param name="Side">Buy or sell.</param>
/// <param name="Paid">What the account paid.</param>
/// <param name="Received">What it received.</param>
/// <param name="Fee">The exchange's fee, in the counter asset.</param>
/// <param name="TransactionHash">The trade's transaction.</param>
/// <param name="Block">Its block.</param>
public sealed record TradeResult(TradeSide Side, TokenAmount Paid, TokenAmount Received, TokenAmount Fee, string TransactionHash, ulong Block);
