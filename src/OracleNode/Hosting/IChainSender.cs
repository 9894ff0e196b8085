using Nethereum.Contracts;
using Oracle.Chain;

namespace OracleNode.Hosting;

/// <summary>
/// How the node sends transactions from its key: the narrow part of the platform's transaction sender it uses (nonces,
/// gas, fees, replacement of stuck transactions, confirmations). A revert is a value.
/// </summary>
internal interface IChainSender
{
    /// <summary>The node's address (checksummed).</summary>
    string Address { get; }

    /// <summary>Sends <paramref name="function"/> to <paramref name="contract"/> and waits for it to be mined.</summary>
    Task<TransactionResult> TrySendAsync<TFunction>(string contract, TFunction function, CancellationToken cancellationToken)
        where TFunction : FunctionMessage, new();
}
