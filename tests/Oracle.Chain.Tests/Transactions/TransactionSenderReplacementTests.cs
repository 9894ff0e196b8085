using System.Numerics;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Signer;
using Oracle.Chain.Contracts.VpnToken;
using Oracle.Chain.Deployment;
using Oracle.Chain.Tests.Support;
using Oracle.Chain.Transactions;
using Oracle.Testing;

namespace Oracle.Chain.Tests.Transactions;

/// <summary>
/// The transaction sender where blocks come only when the test mines them (automine off, on a chain of this class's
/// own): stuck transactions replaced, dropped ones sent again, reverts found once mined, confirmations, restarts.
/// </summary>
public sealed class TransactionSenderReplacementTests(PrivateChainFixture fixture) : IClassFixture<PrivateChainFixture>, IAsyncLifetime
{
    private static readonly TransactionSenderOptions Options = new()
    {
        PollInterval = TimeSpan.FromMilliseconds(20),
        RetryDelay = TimeSpan.FromMilliseconds(50),
        MaxRetryDelay = TimeSpan.FromMilliseconds(200),
        StuckBlocks = 2,
        MaxFeePerGasGwei = 5_000,
    };

    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private ChainFixture Chain => fixture.Chain;

    public Task InitializeAsync() => Task.CompletedTask;

    // Every test leaves the chain mining on its own again, for the next one.
    public async Task DisposeAsync()
    {
        await Chain.SetAutomineAsync(true);
        await Chain.MineAsync();
    }

    [Fact]
    public async Task TrySendAsync_StuckBehindABaseFeeSpike_IsReplacedWithTheSameNonceAndHigherFees()
    {
        var (key, token) = await TokenWithMinterAsync();
        var log = new RecordingLogger<TransactionSender>();
        var sender = new TransactionSender(Chain.RpcUrl, Chain.ChainId, key, Options, log);
        var nonce = await NonceAsync(sender.Address, BlockParameter.CreateLatest());
        await Chain.SetAutomineAsync(false);

        var send = sender.TrySendAsync(token, new MintFunction { To = sender.Address, Amount = 7 });
        var original = (string)(await EventuallyAsync(() => log.Values("sent {Hash}", "Hash").FirstOrDefault()))!;
        var originalTx = await Chain.ReadOnly.Eth.Transactions.GetTransactionByHash.SendRequestAsync(original);
        // From now on every block's base fee is far above what the transaction offers: it cannot be included as sent.
        var spike = originalTx.MaxFeePerGas.Value * 20;
        while (!send.IsCompleted)
        {
            await Chain.RpcAsync<object>("hardhat_setNextBlockBaseFeePerGas", new HexBigInteger(spike).HexValue);
            await Chain.MineAsync();
            await Task.WhenAny(send, Task.Delay(100));
            Assert.True(await NonceAsync(sender.Address, BlockParameter.CreateLatest()) <= nonce + 1);
        }

        var result = await send.WaitAsync(Bound);
        var mined = await Chain.ReadOnly.Eth.Transactions.GetTransactionByHash.SendRequestAsync(result.TransactionHash);

        Assert.True(result.IsSuccess);
        Assert.NotEqual(original, result.TransactionHash);
        Assert.Null(await Chain.ReadOnly.Eth.Transactions.GetTransactionReceipt.SendRequestAsync(original));
        Assert.Equal(nonce, mined.Nonce.Value);
        Assert.True(mined.MaxFeePerGas.Value >= spike, $"replacement offers {mined.MaxFeePerGas.Value}, base fee {spike}");
        Assert.True(mined.MaxPriorityFeePerGas.Value * 100 >= originalTx.MaxPriorityFeePerGas.Value * 110);
        Assert.NotEmpty(log.Values("replaced stuck nonce", "Hash"));
        Assert.Equal(nonce + 1, await NonceAsync(sender.Address, BlockParameter.CreateLatest()));
        Assert.Equal(7, await new VpnTokenService(Chain.ReadOnly, token).BalanceOfQueryAsync(sender.Address));
    }

    [Fact]
    public async Task TrySendAsync_DroppedFromTheNodesPool_IsSentAgainWithTheSameNonce()
    {
        var (key, token) = await TokenWithMinterAsync();
        var log = new RecordingLogger<TransactionSender>();
        var sender = new TransactionSender(Chain.RpcUrl, Chain.ChainId, key, Options, log);
        var nonce = await NonceAsync(sender.Address, BlockParameter.CreateLatest());
        await Chain.SetAutomineAsync(false);

        var send = sender.TrySendAsync(token, new MintFunction { To = sender.Address, Amount = 3 });
        var original = (string)(await EventuallyAsync(() => log.Values("sent {Hash}", "Hash").FirstOrDefault()))!;
        Assert.True(await Chain.RpcAsync<bool>("hardhat_dropTransaction", original));
        await Chain.MineManyAsync(2);
        await EventuallyAsync(() => log.Values("replaced stuck nonce", "Hash").FirstOrDefault());
        await Chain.MineAsync();
        var result = await send.WaitAsync(Bound);

        Assert.True(result.IsSuccess);
        Assert.NotEqual(original, result.TransactionHash);
        Assert.Equal(nonce, (await Chain.ReadOnly.Eth.Transactions.GetTransactionByHash.SendRequestAsync(result.TransactionHash)).Nonce.Value);
    }

    [Fact]
    public async Task TrySendAsync_RevertsOnceMined_ReturnsTheDecodedError()
    {
        var (key, token) = await TokenWithMinterAsync(setMinter: false);
        var sender = new TransactionSender(Chain.RpcUrl, Chain.ChainId, key, Options);
        await Chain.SetAutomineAsync(false);

        // Both estimate fine (no minter yet); mined in one block, the second finds the minter set.
        var first = sender.TrySendAsync(token, new SetMinterFunction { Minter = sender.Address });
        var second = sender.TrySendAsync(token, new SetMinterFunction { Minter = sender.Address });
        await EventuallyAsync(async () => await NonceAsync(sender.Address, BlockParameter.CreatePending()) - await NonceAsync(sender.Address, BlockParameter.CreateLatest()) == 2 ? "" : null);
        await Chain.MineAsync();
        var results = await Task.WhenAll(first, second).WaitAsync(Bound);

        Assert.Single(results, r => r.IsSuccess);
        var reverted = Assert.Single(results, r => !r.IsSuccess);
        Assert.Equal("VpnTokenMinterAlreadySet", reverted.Error!.Name);
        Assert.NotNull(reverted.TransactionHash);
        Assert.Equal(0, (await Chain.ReadOnly.Eth.Transactions.GetTransactionReceipt.SendRequestAsync(reverted.TransactionHash)).Status.Value);
    }

    [Fact]
    public async Task TrySendAsync_ThreeConfirmations_CompletesOnlyTwoBlocksAfterInclusion()
    {
        var (key, token) = await TokenWithMinterAsync();
        var sender = new TransactionSender(Chain.RpcUrl, Chain.ChainId, key, Options with { Confirmations = 3, StuckBlocks = 100 });
        await Chain.SetAutomineAsync(false);

        var send = sender.TrySendAsync(token, new MintFunction { To = sender.Address, Amount = 1 });
        await EventuallyAsync(async () => await NonceAsync(sender.Address, BlockParameter.CreatePending()) > await NonceAsync(sender.Address, BlockParameter.CreateLatest()) ? "" : null);
        await Chain.MineAsync();
        var included = await Chain.BlockNumberAsync();
        await Chain.MineAsync();
        await Task.Delay(300);
        Assert.False(send.IsCompleted);
        await Chain.MineAsync();
        var result = await send.WaitAsync(Bound);

        Assert.True(result.IsSuccess);
        Assert.Equal(included, (ulong)result.Receipt.BlockNumber.Value);
    }

    [Fact]
    public async Task TrySendAsync_BlockReorganizedAwayWhileConfirming_ReturnsTheReceiptOfTheChainThatStays()
    {
        var (key, token) = await TokenWithMinterAsync();
        var (_, other) = await Chain.NewAccountAsync();
        var sender = new TransactionSender(Chain.RpcUrl, Chain.ChainId, key, Options with { Confirmations = 3, StuckBlocks = 100 });
        await Chain.SetAutomineAsync(false);

        var send = sender.TrySendAsync(token, new MintFunction { To = sender.Address, Amount = 1 });
        await EventuallyAsync(async () => await NonceAsync(sender.Address, BlockParameter.CreatePending()) > await NonceAsync(sender.Address, BlockParameter.CreateLatest()) ? "" : null);
        var snapshot = await Chain.SnapshotAsync();
        await Chain.MineAsync();
        var first = await Chain.ReadOnly.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(BlockParameter.CreateLatest());
        await Task.Delay(200);

        // The block is replaced by one that also holds another account's transfer; then it gets deep enough.
        await Chain.RevertAsync(snapshot);
        await other.Eth.GetEtherTransferService().TransferEtherAsync(sender.Address, 0.001m);
        await Chain.MineAsync(3);
        var result = await send.WaitAsync(Bound);

        var canonical = await Chain.ReadOnly.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(new BlockParameter(result.Receipt!.BlockNumber));
        Assert.True(result.IsSuccess);
        Assert.Equal(canonical.BlockHash, result.Receipt.BlockHash);
        Assert.NotEqual(first.BlockHash, result.Receipt.BlockHash);
    }

    [Fact]
    public async Task TrySendAsync_RestartedWithATransactionPending_TakesTheNodesPendingNonce()
    {
        var (key, token) = await TokenWithMinterAsync();
        var nonce = await NonceAsync(key.GetPublicAddress(), BlockParameter.CreateLatest());
        await Chain.SetAutomineAsync(false);
        using var crashed = new CancellationTokenSource();
        var before = new TransactionSender(Chain.RpcUrl, Chain.ChainId, key, Options);
        var pending = before.TrySendAsync(token, new MintFunction { To = before.Address, Amount = 1 }, crashed.Token);
        await EventuallyAsync(async () => await NonceAsync(before.Address, BlockParameter.CreatePending()) > nonce ? "" : null);
        // The process dies with its transaction in the pool; the next one starts from the node's pending count.
        await crashed.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);

        var after = new TransactionSender(Chain.RpcUrl, Chain.ChainId, key, Options);
        var send = after.TrySendAsync(token, new MintFunction { To = after.Address, Amount = 2 });
        await EventuallyAsync(async () => await NonceAsync(after.Address, BlockParameter.CreatePending()) > nonce + 1 ? "" : null);
        await Chain.MineAsync();
        var result = await send.WaitAsync(Bound);

        Assert.True(result.IsSuccess);
        Assert.Equal(nonce + 1, (await Chain.ReadOnly.Eth.Transactions.GetTransactionByHash.SendRequestAsync(result.TransactionHash)).Nonce.Value);
        Assert.Equal(3, await new VpnTokenService(Chain.ReadOnly, token).BalanceOfQueryAsync(after.Address));
    }

    [Fact]
    public async Task TrySendAsync_BehindAStuckTransactionOfAnEarlierRun_CancelsItAndGetsMined()
    {
        var (key, token) = await TokenWithMinterAsync();
        var nonce = await NonceAsync(key.GetPublicAddress(), BlockParameter.CreateLatest());
        await Chain.SetAutomineAsync(false);
        var log = new RecordingLogger<TransactionSender>();
        using var crashed = new CancellationTokenSource();
        var before = new TransactionSender(Chain.RpcUrl, Chain.ChainId, key, Options, log);
        var orphan = before.TrySendAsync(token, new MintFunction { To = before.Address, Amount = 1 }, crashed.Token);
        var orphanHash = (string)(await EventuallyAsync(() => log.Values("sent {Hash}", "Hash").FirstOrDefault()))!;
        var offered = (await Chain.ReadOnly.Eth.Transactions.GetTransactionByHash.SendRequestAsync(orphanHash)).MaxFeePerGas.Value;
        // The run dies, and its transaction is priced out: nobody is left to replace it.
        await crashed.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => orphan);
        var spike = offered * 20;

        var after = new TransactionSender(Chain.RpcUrl, Chain.ChainId, key, Options, log);
        var send = after.TrySendAsync(token, new MintFunction { To = after.Address, Amount = 2 });
        while (!send.IsCompleted)
        {
            await Chain.RpcAsync<object>("hardhat_setNextBlockBaseFeePerGas", new HexBigInteger(spike).HexValue);
            await Chain.MineAsync();
            await Task.WhenAny(send, Task.Delay(100));
        }

        var result = await send.WaitAsync(Bound);
        Assert.True(result.IsSuccess);
        Assert.Equal(nonce + 1, (await Chain.ReadOnly.Eth.Transactions.GetTransactionByHash.SendRequestAsync(result.TransactionHash)).Nonce.Value);
        Assert.Null(await Chain.ReadOnly.Eth.Transactions.GetTransactionReceipt.SendRequestAsync(orphanHash));
        Assert.Equal([nonce], log.Values("nonce {Nonce} of {Address} is held by a pending transaction this sender did not send", "Nonce").Select(n => (BigInteger)n!));
        // Only the second mint happened: the first was cancelled by a zero-value transfer to the account itself.
        Assert.Equal(2, await new VpnTokenService(Chain.ReadOnly, token).BalanceOfQueryAsync(after.Address));
        Assert.Equal(nonce + 2, await NonceAsync(after.Address, BlockParameter.CreateLatest()));
    }

    private async Task<(EthECKey Key, string Token)> TokenWithMinterAsync(bool setMinter = true)
    {
        var (key, web3) = await Chain.NewAccountAsync();
        var token = (await ContractDeployer.DeployAsync(web3, VpnTokenService.ContractName, new VpnTokenDeployment())).Address;
        if (setMinter)
        {
            await new VpnTokenService(web3, token).SetMinterAsync(key.GetPublicAddress());
        }

        return (key, token);
    }

    private async Task<BigInteger> NonceAsync(string address, BlockParameter block)
        => (await Chain.ReadOnly.Eth.Transactions.GetTransactionCount.SendRequestAsync(address, block)).Value;

    private static Task<T> EventuallyAsync<T>(Func<T?> probe) where T : class
        => EventuallyAsync(() => Task.FromResult(probe()));

    // Polls until the probe gives a value, bounded in real time.
    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe) where T : class
    {
        var deadline = DateTime.UtcNow + Bound;
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("the condition did not hold in time");
    }
}
