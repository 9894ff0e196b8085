using Nethereum.Contracts;
using Oracle.Chain;
using Oracle.Chain.Transactions;

namespace Arbitration.Api.Filing;

/// <summary>The relayer's transactions through the service's <see cref="ITransactionSender"/> (nonces, fees, replacement, confirmations).</summary>
internal sealed class SenderRelay(ITransactionSender sender) : IRelaySender
{
    public string Address => sender.Address;

    public Task<TransactionResult> TrySendAsync<TFunction>(string contract, TFunction function, CancellationToken cancellationToken)
        where TFunction : FunctionMessage, new()
        => sender.TrySendAsync(contract, function, cancellationToken);
}
