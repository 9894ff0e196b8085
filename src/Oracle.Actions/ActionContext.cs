using System.Numerics;
using Microsoft.Extensions.Logging;
using Nethereum.Contracts;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;
using Oracle.Chain;
using Oracle.Chain.Errors;
using Oracle.Chain.Keys;
using Oracle.Chain.Transactions;

namespace Oracle.Actions;

/// <summary>
/// Where actions run: the checked <see cref="ChainContext"/> (node, contracts, key), the account's
/// <see cref="ITransactionSender"/> when it has a key, and where progress goes. Made once per command (or per service,
/// from the service's own chain context and sender).
/// </summary>
public sealed class ActionContext
{
    private readonly ITransactionSender? _sender;

    private ActionContext(ChainContext chain, ITransactionSender? sender, IActionProgress progress)
    {
        Chain = chain;
        _sender = sender;
        Progress = progress;
    }

    /// <summary>The chain: its id, the contracts, the key.</summary>
    public ChainContext Chain { get; }

    /// <summary>Where steps and transactions are reported.</summary>
    public IActionProgress Progress { get; }

    /// <summary>The account's address (checksummed), when the context has a key.</summary>
    public string? Account => _sender?.Address ?? Chain.Address;

    /// <summary>A connection for reads (calls come from <see cref="Account"/> when there is one).</summary>
    public IWeb3 Web3 => _sender?.Web3 ?? Chain.Web3;

    /// <summary>The account's transaction sender, when the context has a key.</summary>
    public ITransactionSender? Sender => _sender;

    /// <summary>
    /// Checks <paramref name="options"/> against the node (<see cref="ChainContext.CreateAsync"/>) and, when the options
    /// name a keystore, makes the account's transaction sender.
    /// </summary>
    /// <param name="options">Section <c>Chain</c>: node, manifest, keystore and password.</param>
    /// <param name="transactions">How transactions are priced and confirmed (defaults when null).</param>
    /// <param name="requireKey">Fail unless a key is configured (actions that send transactions).</param>
    /// <param name="progress">Where progress goes (nowhere when null).</param>
    /// <param name="cancellationToken">Cancels the checks.</param>
    /// <param name="environment">Reads environment variables (the keystore password); the process environment by default.</param>
    /// <param name="logger">Where the sender reports replacements and retries.</param>
    public static async Task<ActionResult<ActionContext>> ConnectAsync(ChainOptions options, TransactionSenderOptions? transactions = null, bool requireKey = false,
        IActionProgress? progress = null, CancellationToken cancellationToken = default, Func<string, string?>? environment = null, ILogger<TransactionSender>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.RpcUrl))
        {
            return new ActionError(ActionErrorKind.InvalidInput, "no chain node configured: give --rpc-url (or Chain:RpcUrl in the configuration, or a manifest with an rpcUrl)");
        }

        if (requireKey && string.IsNullOrWhiteSpace(options.Keystore))
        {
            return new ActionError(ActionErrorKind.Key, "this sends transactions: give --keystore (a Web3 Secret Storage file; `oracle keys create` makes one)");
        }

        ChainContext chain;
        try
        {
            chain = await ChainContext.CreateAsync(options, cancellationToken, environment).ConfigureAwait(false);
        }
        catch (ChainContextException e)
        {
            return Classify(e);
        }

        ITransactionSender? sender = null;
        if (chain.Signer is not null)
        {
            try
            {
                sender = new TransactionSender(chain, transactions, logger);
            }
            catch (System.ComponentModel.DataAnnotations.ValidationException e)
            {
                return new ActionError(ActionErrorKind.InvalidInput, e.Message);
            }
        }

        return new ActionContext(chain, sender, progress ?? SilentProgress.Instance);
    }

    /// <summary>A context on a chain context and sender a service already has (the gateway's own, say).</summary>
    public static ActionContext Create(ChainContext chain, ITransactionSender? sender, IActionProgress? progress = null)
    {
        ArgumentNullException.ThrowIfNull(chain);
        return new ActionContext(chain, sender, progress ?? SilentProgress.Instance);
    }

    /// <summary>The same chain and account with progress going elsewhere.</summary>
    public ActionContext WithProgress(IActionProgress progress) => new(Chain, _sender, progress ?? SilentProgress.Instance);

    /// <summary>The address of contract <paramref name="name"/>, or a failure saying the manifest lacks it.</summary>
    internal string AddressOf(string name)
        => Chain.TryAddressOf(name) ?? throw ActionFailedException.InvalidInput($"the deployment has no {name}: is the manifest (--manifest) of this network?");

    /// <summary>The account, or a failure saying a key is needed for <paramref name="purpose"/>.</summary>
    internal string RequireAccount(string purpose)
        => Account ?? throw new ActionFailedException(new ActionError(ActionErrorKind.Key, $"{purpose} needs your key: give --keystore"));

    /// <summary>The sender, or a failure saying a key is needed for <paramref name="purpose"/>.</summary>
    internal ITransactionSender RequireSender(string purpose)
        => _sender ?? throw new ActionFailedException(new ActionError(ActionErrorKind.Key, $"{purpose} sends a transaction and needs your key: give --keystore"));

    /// <summary>
    /// Sends <paramref name="function"/> to <paramref name="contract"/> through the account's sender, reporting it as
    /// <paramref name="description"/> until it is confirmed. A revert fails the action with its explanation.
    /// </summary>
    internal async Task<TransactionReceipt> SendAsync<TFunction>(string description, string contract, TFunction function, CancellationToken cancellationToken)
        where TFunction : FunctionMessage, new()
    {
        var sender = RequireSender(description);
        Progress.TransactionStarted(description);
        TransactionResult result;
        try
        {
            result = await sender.TrySendAsync(contract, function, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Progress.TransactionFinished(description, null);
            throw;
        }

        Progress.TransactionFinished(description, result.Receipt);
        if (!result.IsSuccess)
        {
            throw new ActionFailedException(new ActionError(ActionErrorKind.Refused,
                $"{description}: {RevertMessages.Explain(result.Error, this, await TryChainTimeAsync(cancellationToken).ConfigureAwait(false))}", result.Error));
        }

        return result.Receipt;
    }

    /// <summary>The timestamp of the latest block: the chain's "now", which deadlines are compared with.</summary>
    internal async Task<DateTimeOffset> ChainTimeAsync(CancellationToken cancellationToken)
    {
        var block = await Web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(BlockParameter.CreateLatest()).WaitAsync(cancellationToken).ConfigureAwait(false);
        return DateTimeOffset.FromUnixTimeSeconds((long)block.Timestamp.Value);
    }

    /// <summary>The chain's time, or null when the node does not answer (for messages only).</summary>
    internal async Task<DateTimeOffset?> TryChainTimeAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await ChainTimeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (ChainErrors.IsUnavailable(e) || e is TimeoutException)
        {
            return null;
        }
    }

    /// <summary>The account's ETH balance.</summary>
    internal async Task<BigInteger> EthBalanceAsync(string account, CancellationToken cancellationToken)
        => (await Web3.Eth.GetBalance.SendRequestAsync(account).WaitAsync(cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>The name of a contract of the deployment at <paramref name="address"/>, or the address itself.</summary>
    internal string NameOf(string? address)
    {
        if (address is null)
        {
            return "?";
        }

        foreach (var name in Chain.KnownContracts)
        {
            if (string.Equals(Chain.TryAddressOf(name), address, StringComparison.OrdinalIgnoreCase))
            {
                return name;
            }
        }

        return address;
    }

    private static ActionError Classify(ChainContextException e)
    {
        for (Exception? inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is KeyStoreException)
            {
                return new ActionError(ActionErrorKind.Key, e.Message.Replace("Chain:Keystore: ", "keystore: ", StringComparison.Ordinal));
            }

            if (ChainErrors.IsUnavailable(inner) || inner is OperationCanceledException)
            {
                return new ActionError(ActionErrorKind.Unavailable, e.Message);
            }
        }

        if (e.Message.Contains("development key", StringComparison.Ordinal))
        {
            return new ActionError(ActionErrorKind.Key, e.Message);
        }

        return new ActionError(ActionErrorKind.InvalidInput, e.Message);
    }
}
