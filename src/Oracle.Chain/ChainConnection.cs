using System.Numerics;
using Nethereum.Hex.HexTypes;
using Nethereum.JsonRpc.Client;
using Nethereum.RPC.NonceServices;
using Nethereum.RPC.TransactionReceipts;
using Nethereum.Signer;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;

namespace Oracle.Chain;

/// <summary>Opens Nethereum connections to a JSON-RPC endpoint, bound to the chain id the node reports.</summary>
public static class ChainConnection
{
    /// <summary>How often a sender polls for its receipt. The local node mines at once, so polling is short.</summary>
    public static readonly TimeSpan ReceiptPollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Reads the chain id of the node at <paramref name="rpcUrl"/>.</summary>
    public static async Task<BigInteger> GetChainIdAsync(string rpcUrl, CancellationToken cancellationToken = default)
    {
        var web3 = new Web3(rpcUrl);
        HexBigInteger id = await web3.Eth.ChainId.SendRequestAsync().WaitAsync(cancellationToken);
        return id.Value;
    }

    /// <summary>
    /// A read-only connection (no account): queries, logs and blocks.
    /// </summary>
    public static IWeb3 ReadOnly(string rpcUrl) => new Web3(rpcUrl);

    /// <summary>
    /// A connection that signs transactions with <paramref name="key"/> for the chain the node reports.
    /// Nonces are tracked in memory, so one connection may send several transactions at once.
    /// </summary>
    /// <exception cref="RpcClientUnknownException">The node cannot be reached.</exception>
    public static async Task<IWeb3> ConnectAsync(string rpcUrl, EthECKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var chainId = await GetChainIdAsync(rpcUrl, cancellationToken);
        var account = new Account(key, chainId);
        var web3 = new Web3(account, rpcUrl);
        account.NonceService = new InMemoryNonceService(account.Address, web3.Client);
        if (web3.TransactionManager.TransactionReceiptService is TransactionReceiptPollingService polling)
        {
            polling.SetPollingRetryIntervalInMilliseconds((int)ReceiptPollInterval.TotalMilliseconds);
        }

        return web3;
    }
}
