using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Nethereum.Contracts.ContractHandlers;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;
using Oracle.Chain.Errors;
using Oracle.Chain.Transactions;

namespace Oracle.Chain;

/// <summary>
/// Base of the generated contract services: queries and transactions whose reverts come back as
/// <see cref="ContractRevertedException"/> carrying the decoded custom error. Built on an
/// <see cref="ITransactionSender"/>, its transactions go through the sender (nonces, fees, replacement,
/// confirmations); built on a signing <see cref="IWeb3"/>, through Nethereum's transaction manager (tests, tools).
/// </summary>
public abstract class ContractClient
{
    /// <summary>Binds the client to a deployed contract; transactions are signed by <paramref name="web3"/>'s account.</summary>
    protected ContractClient(IWeb3 web3, string address)
    {
        ArgumentNullException.ThrowIfNull(web3);
        ArgumentException.ThrowIfNullOrEmpty(address);
        Web3 = web3;
        Address = address;
        Handler = web3.Eth.GetContractHandler(address);
    }

    /// <summary>Binds the client to a deployed contract; transactions go through <paramref name="sender"/>.</summary>
    protected ContractClient(ITransactionSender sender, string address)
        : this((sender ?? throw new ArgumentNullException(nameof(sender))).Web3, address)
    {
        Sender = sender;
    }

    /// <summary>The connection (and, without a <see cref="Sender"/>, the signing account).</summary>
    public IWeb3 Web3 { get; }

    /// <summary>The sender transactions go through, when the client was built on one.</summary>
    public ITransactionSender? Sender { get; }

    /// <summary>The contract's address.</summary>
    public string Address { get; }

    /// <summary>Nethereum's handler, for anything the typed methods do not cover.</summary>
    public ContractHandler Handler { get; }

    /// <summary>Calls a view function returning a single value.</summary>
    public async Task<TResult> QueryAsync<TFunction, TResult>(TFunction function, BlockParameter? block = null, CancellationToken cancellationToken = default)
        where TFunction : FunctionMessage, new()
    {
        try
        {
            return await Handler.QueryAsync<TFunction, TResult>(function, block).WaitAsync(cancellationToken);
        }
        catch (Exception e) when (ContractErrorDecoder.TryDecode(e, out var error))
        {
            throw new ContractRevertedException(error, inner: e);
        }
    }

    /// <summary>Calls a view function returning several values (or a struct) into its output DTO.</summary>
    public async Task<TOutput> QueryDtoAsync<TFunction, TOutput>(TFunction function, BlockParameter? block = null, CancellationToken cancellationToken = default)
        where TFunction : FunctionMessage, new()
        where TOutput : IFunctionOutputDTO, new()
    {
        try
        {
            return await Handler.QueryDeserializingToObjectAsync<TFunction, TOutput>(function, block).WaitAsync(cancellationToken);
        }
        catch (Exception e) when (ContractErrorDecoder.TryDecode(e, out var error))
        {
            throw new ContractRevertedException(error, inner: e);
        }
    }

    /// <summary>Sends a transaction and waits for its receipt.</summary>
    /// <exception cref="ContractRevertedException">The transaction reverted (in gas estimation or when mined).</exception>
    public async Task<TransactionReceipt> SendAsync<TFunction>(TFunction function, CancellationToken cancellationToken = default)
        where TFunction : FunctionMessage, new()
    {
        var result = await TrySendAsync(function, cancellationToken);
        return result.Receipt ?? throw new ContractRevertedException(result.Error!, result.TransactionHash);
    }

    /// <summary>Sends a transaction; a revert is a value, not an exception (the caller expected it might fail).</summary>
    public async Task<TransactionResult> TrySendAsync<TFunction>(TFunction function, CancellationToken cancellationToken = default)
        where TFunction : FunctionMessage, new()
    {
        if (Sender is not null)
        {
            return await Sender.TrySendAsync(Address, function, cancellationToken);
        }

        TransactionReceipt receipt;
        try
        {
            receipt = await Handler.SendRequestAndWaitForReceiptAsync(function, cancellationToken);
        }
        catch (Exception e) when (ContractErrorDecoder.TryDecode(e, out var error))
        {
            return TransactionResult.Reverted(error, null);
        }

        if (receipt.Status?.Value == 1)
        {
            return TransactionResult.Succeeded(receipt);
        }

        // Mined but reverted (the gas estimate passed, state changed before inclusion): replay it to get the data.
        var replayed = await ReplayRevertAsync(function, receipt);
        return TransactionResult.Reverted(replayed, receipt.TransactionHash);
    }

    private async Task<ContractError> ReplayRevertAsync<TFunction>(TFunction function, TransactionReceipt receipt)
        where TFunction : FunctionMessage, new()
    {
        try
        {
            await Handler.QueryRawAsync(function, new BlockParameter(receipt.BlockNumber));
        }
        catch (Exception e) when (ContractErrorDecoder.TryDecode(e, out var error))
        {
            return error;
        }

        return new ContractError(ContractError.UnknownName, "", [], "0x");
    }
}
