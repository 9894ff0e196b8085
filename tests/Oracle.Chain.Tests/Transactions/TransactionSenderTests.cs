using System.Numerics;
using Nethereum.Signer;
using Nethereum.Web3;
using Oracle.Chain.Contracts.VpnToken;
using Oracle.Chain.Deployment;
using Oracle.Chain.Errors;
using Oracle.Chain.Tests.Support;
using Oracle.Chain.Transactions;
using Oracle.Testing;

namespace Oracle.Chain.Tests.Transactions;

/// <summary>The transaction sender on the shared devnet chain (automine): nonces, reverts, refusals, retries.</summary>
[Collection(ChainCollection.Name)]
public sealed class TransactionSenderTests(ChainFixture chain)
{
    private static readonly TransactionSenderOptions Fast = new()
    {
        PollInterval = TimeSpan.FromMilliseconds(20),
        RetryDelay = TimeSpan.FromMilliseconds(50),
        MaxRetryDelay = TimeSpan.FromMilliseconds(200),
    };

    [Fact]
    public async Task TrySendAsync_ConcurrentCallers_GetConsecutiveNoncesNeitherReusedNorSkipped()
    {
        var (key, token) = await TokenWithMinterAsync();
        var sender = new TransactionSender(chain.RpcUrl, chain.ChainId, key, Fast);
        var first = await NonceAsync(sender.Address);
        var to = (await chain.NewAccountAsync()).Key.GetPublicAddress();

        // 24 mints from 8 callers at once, with reverting calls (their gas estimate fails, so they take no nonce) among them.
        var mints = Enumerable.Range(1, 24).Select(i => sender.TrySendAsync(token, new MintFunction { To = to, Amount = i })).ToList();
        var reverts = Enumerable.Range(0, 6).Select(_ => sender.TrySendAsync(token, new SetMinterFunction { Minter = to })).ToList();
        var results = await Task.WhenAll(mints);
        var reverted = await Task.WhenAll(reverts);

        Assert.All(results, r => Assert.True(r.IsSuccess));
        Assert.All(reverted, r => Assert.Equal("VpnTokenMinterAlreadySet", r.Error?.Name));
        Assert.All(reverted, r => Assert.Null(r.TransactionHash));
        var nonces = new List<BigInteger>();
        foreach (var r in results)
        {
            nonces.Add((await chain.ReadOnly.Eth.Transactions.GetTransactionByHash.SendRequestAsync(r.TransactionHash)).Nonce.Value);
        }

        Assert.Equal(Enumerable.Range(0, 24).Select(i => first + i), nonces.Order());
        Assert.Equal(first + 24, await NonceAsync(sender.Address));
        Assert.Equal(300, await new VpnTokenService(chain.ReadOnly, token).BalanceOfQueryAsync(to));
    }

    [Fact]
    public async Task TrySendAsync_RevertingCall_ReturnsTheCustomErrorDecoded()
    {
        var (key, token) = await TokenWithMinterAsync();
        var sender = new TransactionSender(chain.RpcUrl, chain.ChainId, key, Fast);
        var stranger = (await chain.NewAccountAsync()).Key.GetPublicAddress();

        var again = await sender.TrySendAsync(token, new SetMinterFunction { Minter = stranger });
        var thrown = await Assert.ThrowsAsync<ContractRevertedException>(() => new VpnTokenService(sender, token).SetMinterAsync(stranger));

        Assert.False(again.IsSuccess);
        Assert.Equal("VpnTokenMinterAlreadySet", again.Error.Name);
        Assert.Equal("VpnTokenMinterAlreadySet", thrown.Error.Name);
    }

    [Fact]
    public async Task TrySendAsync_ConflictingCallsAtOnce_OneSucceedsAndTheOthersReturnTheirRevert()
    {
        var (key, web3) = await chain.NewAccountAsync();
        var token = (await ContractDeployer.DeployAsync(web3, VpnTokenService.ContractName, new VpnTokenDeployment())).Address;
        var sender = new TransactionSender(chain.RpcUrl, chain.ChainId, key, Fast);
        var first = await NonceAsync(sender.Address);

        // Each estimates before the others are mined, so some revert only once mined (which the local node, mining on
        // arrival, reports as the broadcast's error): a revert whichever way, never a refusal.
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => sender.TrySendAsync(token, new SetMinterFunction { Minter = sender.Address })));

        Assert.Single(results, r => r.IsSuccess);
        Assert.All(results.Where(r => !r.IsSuccess), r => Assert.Equal("VpnTokenMinterAlreadySet", r.Error!.Name));
        var mined = results.Count(r => r.TransactionHash is not null);
        Assert.Equal(first + mined, await NonceAsync(sender.Address));
        Assert.True((await sender.TrySendAsync(token, new MintFunction { To = sender.Address, Amount = 1 })).IsSuccess);
    }

    [Fact]
    public async Task GeneratedService_OnASender_SendsThroughItAndQueriesFromItsAccount()
    {
        var (key, token) = await TokenWithMinterAsync();
        var sender = new TransactionSender(chain.RpcUrl, chain.ChainId, key, Fast);
        var service = new VpnTokenService(sender, token);
        var first = await NonceAsync(sender.Address);

        var receipt = await service.MintAsync(sender.Address, 42);

        Assert.Equal(1, receipt.Status.Value);
        Assert.Same(sender, service.Sender);
        Assert.Equal(42, await service.BalanceOfQueryAsync(sender.Address));
        Assert.Equal(first + 1, await NonceAsync(sender.Address));
        // Nethereum's own send path on the sender's connection would take a nonce behind its back: refused.
        var direct = await Assert.ThrowsAnyAsync<Exception>(() => new VpnTokenService(sender.Web3, token).MintAsync(sender.Address, 1));
        Assert.Contains("TransactionSender", direct.GetBaseException().Message, StringComparison.Ordinal);
        Assert.Equal(first + 1, await NonceAsync(sender.Address));
    }

    [Fact]
    public async Task TrySendAsync_RefusedByTheNode_LeavesItsNonceToTheNextTransaction()
    {
        var (key, token) = await TokenWithMinterAsync();
        var sender = new TransactionSender(chain.RpcUrl, chain.ChainId, key, Fast);
        var first = await NonceAsync(sender.Address);
        // Enough to estimate, not enough for gas times the fee cap: the node refuses the signed transaction.
        await chain.SetBalanceAsync(sender.Address, 1000);

        var refused = await Assert.ThrowsAsync<TransactionRejectedException>(() => sender.TrySendAsync(token, new MintFunction { To = sender.Address, Amount = 1 }));
        await chain.SetBalanceAsync(sender.Address, Web3.Convert.ToWei(10));
        var next = await sender.TrySendAsync(token, new MintFunction { To = sender.Address, Amount = 2 });

        Assert.Contains("the node refused a transaction", refused.Message, StringComparison.Ordinal);
        Assert.True(next.IsSuccess);
        Assert.Equal(first, (await chain.ReadOnly.Eth.Transactions.GetTransactionByHash.SendRequestAsync(next.TransactionHash)).Nonce.Value);
        Assert.Equal(first + 1, await NonceAsync(sender.Address));
    }

    [Fact]
    public async Task TrySendAsync_AnotherSenderUsedTheKey_TakesTheNodesNonceAndSignsAgain()
    {
        var (key, token) = await TokenWithMinterAsync();
        var first = await NonceAsync(key.GetPublicAddress());
        var log = new RecordingLogger<TransactionSender>();
        var a = new TransactionSender(chain.RpcUrl, chain.ChainId, key, Fast, log);
        Assert.True((await a.TrySendAsync(token, new MintFunction { To = a.Address, Amount = 1 })).IsSuccess);

        // A restarted process (or a second one) starts from the node's pending count...
        var b = new TransactionSender(chain.RpcUrl, chain.ChainId, key, Fast);
        Assert.True((await b.TrySendAsync(token, new MintFunction { To = b.Address, Amount = 2 })).IsSuccess);
        // ...and the first, whose count is now stale, is told its nonce is used and takes the node's.
        Assert.True((await a.TrySendAsync(token, new MintFunction { To = a.Address, Amount = 4 })).IsSuccess);

        Assert.Equal(first + 3, await NonceAsync(a.Address));
        Assert.Equal([first + 1], log.Values("nonce {Nonce} of {Address} refused", "Nonce").Select(n => (BigInteger)n!));
        Assert.Equal(7, await new VpnTokenService(chain.ReadOnly, token).BalanceOfQueryAsync(a.Address));
    }

    [Fact]
    public async Task TrySendAsync_NodeUnreachableForAWhile_RetriesUntilItAnswers()
    {
        var (key, token) = await TokenWithMinterAsync();
        await using var proxy = new TcpProxy(chain.RpcUrl);
        var sender = new TransactionSender(proxy.Url, chain.ChainId, key, Fast with { MaxAttempts = 40 });

        // Down: every request is refused (connection refused); the send keeps retrying.
        var send = sender.TrySendAsync(token, new MintFunction { To = sender.Address, Amount = 5 });
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(send.IsCompleted);
        proxy.Start();
        var result = await send.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(result.IsSuccess);
        Assert.True(proxy.Connections > 0);
        Assert.Equal(5, await new VpnTokenService(chain.ReadOnly, token).BalanceOfQueryAsync(sender.Address));
    }

    [Fact]
    public async Task TrySendAsync_NodeNeverAnswers_FailsTransientlyAfterTheConfiguredAttempts()
    {
        var (key, token) = await TokenWithMinterAsync();
        await using var proxy = new TcpProxy(chain.RpcUrl);
        var sender = new TransactionSender(proxy.Url, chain.ChainId, key, Fast with { MaxAttempts = 3 });

        var e = await Assert.ThrowsAnyAsync<Exception>(() => sender.TrySendAsync(token, new MintFunction { To = sender.Address, Amount = 5 }));

        Assert.True(ChainErrors.IsTransient(e), e.ToString());
    }

    [Fact]
    public async Task TrySendAsync_BaseFeeAboveTheCap_IsRefusedBeforeTakingANonce()
    {
        var (key, token) = await TokenWithMinterAsync();
        var sender = new TransactionSender(chain.RpcUrl, chain.ChainId, key, Fast with { MaxFeePerGasGwei = 0.000000001m, MaxPriorityFeePerGasGwei = 0m });
        var first = await NonceAsync(sender.Address);

        var e = await Assert.ThrowsAsync<TransactionRejectedException>(() => sender.TrySendAsync(token, new MintFunction { To = sender.Address, Amount = 1 }));

        Assert.Contains("MaxFeePerGasGwei", e.Message, StringComparison.Ordinal);
        Assert.Equal(first, await NonceAsync(sender.Address));
    }

    [Fact]
    public async Task TrySendAsync_NeedsMoreGasThanTheCap_IsRefusedBeforeSending()
    {
        var (key, token) = await TokenWithMinterAsync();
        var sender = new TransactionSender(chain.RpcUrl, chain.ChainId, key, Fast with { MaxGas = 21_000 });

        var e = await Assert.ThrowsAsync<TransactionRejectedException>(() => sender.TrySendAsync(token, new MintFunction { To = sender.Address, Amount = 1 }));

        Assert.Contains("MaxGas", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Constructor_FromTheChainContext_SendsWithTheServicesKeyOrSaysWhatIsMissing()
    {
        var (key, token) = await TokenWithMinterAsync();
        var folder = Directory.CreateTempSubdirectory("sender-");
        try
        {
            var keystore = Path.Combine(folder.FullName, "key.json");
            var password = Path.Combine(folder.FullName, "password");
            Oracle.Chain.Keys.KeyStoreFile.Create(keystore, key, "pw", Oracle.Chain.Keys.KeyStoreCost.Light);
            await File.WriteAllTextAsync(password, "pw\n");
            var context = await ChainContext.CreateAsync(new ChainOptions { RpcUrl = chain.RpcUrl, Keystore = keystore, PasswordFile = password });

            var sender = new TransactionSender(context, Fast);
            var result = await sender.TrySendAsync(token, new MintFunction { To = sender.Address, Amount = 9 });

            Assert.True(result.IsSuccess);
            Assert.Equal(key.GetPublicAddress(), sender.Address, ignoreCase: true);
            Assert.Equal(context.ChainId, (ulong)sender.ChainId);
            var offline = Assert.Throws<ChainContextException>(() => new TransactionSender(ChainContext.Offline(31337, new Dictionary<string, string>()), Fast));
            Assert.Contains("Chain:RpcUrl", offline.Message, StringComparison.Ordinal);
            var keyless = await ChainContext.CreateAsync(new ChainOptions { RpcUrl = chain.RpcUrl });
            Assert.Throws<ChainContextException>(() => new TransactionSender(keyless, Fast));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private async Task<(EthECKey Key, string Token)> TokenWithMinterAsync()
    {
        var (key, web3) = await chain.NewAccountAsync();
        var token = (await ContractDeployer.DeployAsync(web3, VpnTokenService.ContractName, new VpnTokenDeployment())).Address;
        await new VpnTokenService(web3, token).SetMinterAsync(key.GetPublicAddress());
        return (key, token);
    }

    private async Task<BigInteger> NonceAsync(string address)
        => (await chain.ReadOnly.Eth.Transactions.GetTransactionCount.SendRequestAsync(address, Nethereum.RPC.Eth.DTOs.BlockParameter.CreatePending())).Value;
}
