using Nethereum.Contracts;
using Oracle.Chain;

namespace Arbitration.Api.Filing;

/// <summary>
/// Sends the relayer's transactions (its key is the service's). The narrow seam the filing code uses, shaped like the
/// platform's <c>Oracle.Chain.Transactions.ITransactionSender</c> (branch <c>chain</c>) so it switches to it without
/// touching the callers once it lands on main.
/// </summary>
internal interface IRelaySender
{
    /// <summary>The relayer's address.</summary>
    string Address { get; }

    /// <summary>Sends <paramref name="function"/> to <paramref name="contract"/> and waits for it to be mined; a revert is a value.</summary>
    Task<TransactionResult> TrySendAsync<TFunction>(string contract, TFunction function, CancellationToken cancellationToken)
        where TFunction : FunctionMessage, new();
}
