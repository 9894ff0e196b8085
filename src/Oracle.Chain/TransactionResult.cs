using System.Diagnostics.CodeAnalysis;
using Nethereum.RPC.Eth.DTOs;
using Oracle.Chain.Errors;

namespace Oracle.Chain;

/// <summary>The outcome of a transaction: a receipt, or the custom error it reverted with.</summary>
public sealed record TransactionResult
{
    private TransactionResult(TransactionReceipt? receipt, ContractError? error, string? transactionHash)
    {
        Receipt = receipt;
        Error = error;
        TransactionHash = transactionHash ?? receipt?.TransactionHash;
    }

    /// <summary>The receipt of a successful transaction.</summary>
    public TransactionReceipt? Receipt { get; }

    /// <summary>The decoded revert of a failed one.</summary>
    public ContractError? Error { get; }

    /// <summary>The transaction hash, when the transaction was mined (a failed gas estimate mines nothing).</summary>
    public string? TransactionHash { get; }

    /// <summary>Whether the transaction succeeded.</summary>
    [MemberNotNullWhen(true, nameof(Receipt))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Receipt is not null;

    internal static TransactionResult Succeeded(TransactionReceipt receipt) => new(receipt, null, null);

    internal static TransactionResult Reverted(ContractError error, string? transactionHash) => new(null, error, transactionHash);
}
