using Nethereum.Contracts;
using Nethereum.Web3;
using Oracle.Chain;

namespace Arbitration.Api.Filing;

/// <summary>
/// Until the platform's TransactionSender is on main: the generated contract client over a signing connection, one
/// transaction at a time (so two filings never race for a nonce). No fee bumping or stuck-transaction replacement:
/// that is the TransactionSender's job, and this class is replaced by it.
/// </summary>
internal sealed class InterimRelaySender(ChainContext chain) : IRelaySender, IDisposable
{
    private readonly SemaphoreSlim _one = new(1, 1);
    private IWeb3? _web3;

    public string Address { get; } = Nethereum.Util.AddressUtil.Current.ConvertToChecksumAddress(chain.RequireSigner("the relayer signs filings' transactions").GetPublicAddress());

    public async Task<TransactionResult> TrySendAsync<TFunction>(string contract, TFunction function, CancellationToken cancellationToken)
        where TFunction : FunctionMessage, new()
    {
        await _one.WaitAsync(cancellationToken);
        try
        {
            _web3 ??= await ChainConnection.ConnectAsync(chain.RpcUrl!, chain.RequireSigner("the relayer signs filings' transactions"), cancellationToken);
            return await new Contract(_web3, contract).TrySendAsync(function, cancellationToken);
        }
        finally
        {
            _one.Release();
        }
    }

    public void Dispose() => _one.Dispose();

    private sealed class Contract(IWeb3 web3, string address) : ContractClient(web3, address);
}
