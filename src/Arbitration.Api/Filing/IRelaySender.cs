using Nethereum.Contracts;
using Oracle.Chain;

namespace Arbitration.Api.Filing;

/// <summary>
/// Sends the relayer's transactions (its key is the service's): the platform's transaction sender in the service
/// (<see cref="SenderRelay"/>); the seam lets the filing code be tested with a relay that fails on purpose.
/// </summary>
internal interface IRelaySender
{
    /// <summary>The relayer's address.</summary>
    string Address { get; }

    /// <summary>Sends <paramref name="function"/> to <paramref name="contract"/> and waits for it to be mined; a revert is a value.</summary>
    Task<TransactionResult> TrySendAsync<TFunction>(string contract, TFunction function, CancellationToken cancellationToken)
        where TFunction : FunctionMessage, new();
}
