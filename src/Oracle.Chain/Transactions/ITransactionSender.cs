using Nethereum.Web3;

namespace Oracle.Chain.Transactions;

/// <summary>
/// Sends transactions from one account: nonces, gas, fees, replacement of stuck transactions, confirmations and retries
/// are its business, so callers only say what to call. Typed calls go through <see cref="TransactionSenderExtensions"/>
/// or through a generated <c>XService</c> built on the sender.
/// </summary>
public interface ITransactionSender
{
    /// <summary>The sending account (checksummed).</summary>
    string Address { get; }

    /// <summary>
    /// A connection for queries, logs and blocks, whose calls come from <see cref="Address"/>. Do not send transactions
    /// through it: they would bypass the sender's nonces.
    /// </summary>
    IWeb3 Web3 { get; }

    /// <summary>
    /// Sends <paramref name="request"/> and waits until it is mined under the configured confirmations. A revert (in
    /// the gas estimate, then nothing is sent, or once mined) is a value: <see cref="TransactionResult.Error"/>.
    /// </summary>
    /// <exception cref="TransactionRejectedException">The node refused the transaction, or it cannot be priced or mined within the configured limits.</exception>
    /// <exception cref="Exception">An RPC failure that retries did not overcome (<see cref="Errors.ChainErrors.IsTransient"/> tells which).</exception>
    Task<TransactionResult> TrySendAsync(TransactionRequest request, CancellationToken cancellationToken = default);
}
