using Nethereum.Contracts;
using Nethereum.RPC.Eth.DTOs;
using Oracle.Chain.Errors;

namespace Oracle.Chain.Transactions;

/// <summary>Typed calls through an <see cref="ITransactionSender"/>: the generated <c>&lt;Function&gt;Function</c> messages.</summary>
public static class TransactionSenderExtensions
{
    /// <summary>Sends <paramref name="function"/> to <paramref name="contract"/>; a revert is a value.</summary>
    /// <remarks>
    /// The message's <c>AmountToSend</c> is sent as value and its <c>Gas</c>, when set, replaces the estimate; its
    /// nonce and fee fields are ignored (the sender sets them).
    /// </remarks>
    public static Task<TransactionResult> TrySendAsync<TFunction>(this ITransactionSender sender, string contract, TFunction function, CancellationToken cancellationToken = default)
        where TFunction : FunctionMessage, new()
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(function);
        return sender.TrySendAsync(Request(contract, function), cancellationToken);
    }

    /// <summary>Sends <paramref name="function"/> to <paramref name="contract"/> and returns its receipt.</summary>
    /// <exception cref="ContractRevertedException">The transaction reverted (in the gas estimate or once mined).</exception>
    public static async Task<TransactionReceipt> SendAsync<TFunction>(this ITransactionSender sender, string contract, TFunction function, CancellationToken cancellationToken = default)
        where TFunction : FunctionMessage, new()
    {
        var result = await sender.TrySendAsync(contract, function, cancellationToken).ConfigureAwait(false);
        return result.Receipt ?? throw new ContractRevertedException(result.Error!, result.TransactionHash);
    }

    /// <summary>Sends <paramref name="request"/> and returns its receipt.</summary>
    /// <exception cref="ContractRevertedException">The transaction reverted (in the gas estimate or once mined).</exception>
    public static async Task<TransactionReceipt> SendAsync(this ITransactionSender sender, TransactionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sender);
        var result = await sender.TrySendAsync(request, cancellationToken).ConfigureAwait(false);
        return result.Receipt ?? throw new ContractRevertedException(result.Error!, result.TransactionHash);
    }

    /// <summary>The request that calls <paramref name="function"/> on <paramref name="contract"/>.</summary>
    public static TransactionRequest Request<TFunction>(string contract, TFunction function)
        where TFunction : FunctionMessage, new()
    {
        ArgumentException.ThrowIfNullOrEmpty(contract);
        ArgumentNullException.ThrowIfNull(function);
        return new TransactionRequest(contract, function.GetCallData(), function.AmountToSend, function.Gas is { } gas ? (long)gas : null);
    }
}
