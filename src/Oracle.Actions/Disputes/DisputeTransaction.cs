using Oracle.Actions.Units;

namespace Oracle.Actions.Disputes;

/// <summary>A dispute action done.</summary>
/// <param name="Dispute">The dispute afterwards.</param>
/// <param name="Paid">What the account paid (a filing's fee and stake).</param>
/// <param name="TransactionHash">The (last) transaction.</param>
/// <param name="Block">Its block.</param>
public sealed record DisputeTransaction(DisputeView Dispute, TokenAmount Paid, string TransactionHash, ulong Block);
