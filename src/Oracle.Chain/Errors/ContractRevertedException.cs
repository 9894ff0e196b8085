namespace Oracle.Chain.Errors;

/// <summary>A contract call or transaction reverted; <see cref="Error"/> says which custom error and why.</summary>
public sealed class ContractRevertedException : Exception
{
    /// <summary>Creates the exception for a decoded revert.</summary>
    public ContractRevertedException(ContractError error, string? transactionHash = null, Exception? inner = null)
        : base($"reverted with {error}{(transactionHash is null ? "" : $" (tx {transactionHash})")}", inner)
    {
        Error = error;
        TransactionHash = transactionHash;
    }

    /// <summary>The decoded revert.</summary>
    public ContractError Error { get; }

    /// <summary>The transaction that was mined and reverted, if it got that far (otherwise the revert came from gas estimation).</summary>
    public string? TransactionHash { get; }
}
