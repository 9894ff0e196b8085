using Oracle.Actions.Units;

namespace Oracle.Actions.Sessions;

/// <summary>A session action done: the session afterwards and what moved.</summary>
/// <param name="Session">The session as the chain now holds it.</param>
/// <param name="PaidToProvider">Paid to the provider by this transaction.</param>
/// <param name="RefundedToClient">Refunded to the client by this transaction.</param>
/// <param name="TransactionHash">The transaction.</param>
/// <param name="Block">Its block.</param>
public sealed record SessionTransaction(SessionView Session, TokenAmount PaidToProvider, TokenAmount RefundedToClient, string TransactionHash, ulong Block);
