using Nethereum.Contracts;
using Nethereum.Web3;
using Oracle.Chain;

namespace OracleNode.Hosting;

/// <summary>
/// Sends through a Nethereum account (its in-memory nonces), one transaction at a time. Stands in for the platform's
/// <c>TransactionSender</c> (replacement of stuck transactions, confirmations) until it is on main.
/// </summary>
internal sealed class Web3ChainSender(IWeb3 signing, string address) : IChainSender
{
    private readonly SemaphoreSlim _one = new(1, 1);

    public string Address { get; } = address;

    public async Task<TransactionResult> TrySendAsync<TFunction>(string contract, TFunction function, CancellationToken cancellationToken)
        where TFunction : FunctionMessage, new()
    {
        await _one.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await new AnyContract(signing, contract).TrySendAsync(function, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _one.Release();
        }
    }

    private sealed class AnyContract(IWeb3 web3, string address) : ContractClient(web3, address);
}
