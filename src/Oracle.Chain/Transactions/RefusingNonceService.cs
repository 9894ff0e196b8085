using Nethereum.Hex.HexTypes;
using Nethereum.JsonRpc.Client;
using Nethereum.RPC.NonceServices;

namespace Oracle.Chain.Transactions;

/// <summary>
/// The nonce service of <see cref="TransactionSender.Web3"/>'s account: a transaction sent through Nethereum's own
/// paths on that connection would take a nonce behind the sender's back, so it fails at once with a clear message.
/// </summary>
internal sealed class RefusingNonceService : INonceService
{
    public IClient Client { get; set; } = null!;

    public bool UseLatestTransactionsOnly { get; set; }

    public Task<HexBigInteger> GetNextNonceAsync()
        => throw new InvalidOperationException("this connection belongs to a TransactionSender: send transactions through the sender (TrySendAsync, or a contract service built on the sender), not through its Web3");

    public Task ResetNonceAsync() => Task.CompletedTask;
}
