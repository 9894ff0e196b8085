namespace Oracle.Chain.Transactions;

/// <summary>
/// The node did not answer while a signed transaction was being broadcast, so whether it received it is unknown: the
/// transaction may still be mined. Retrying the same operation may therefore do it twice; check the chain
/// (<see cref="TransactionHash"/>) or rely on the contract refusing a repeat.
/// </summary>
public sealed class TransactionBroadcastException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TransactionBroadcastException(string transactionHash, System.Numerics.BigInteger nonce, Exception inner)
        : base($"the node did not confirm receiving transaction {transactionHash} (nonce {nonce}); it may still be mined: {inner?.GetBaseException().Message}", inner)
    {
        TransactionHash = transactionHash;
        Nonce = nonce;
    }

    /// <summary>The hash of the transaction that may or may not have reached the node.</summary>
    public string TransactionHash { get; }

    /// <summary>Its nonce.</summary>
    public System.Numerics.BigInteger Nonce { get; }
}
