using System.Numerics;
using Microsoft.Extensions.Logging.Abstractions;
using Nethereum.Web3;
using Oracle.Chain;
using Oracle.Chain.Model;
using Oracle.Chain.Transactions;
using Oracle.Testing;
using VpnGateway.Metering.Spool;
using VpnGateway.Settlement;

namespace VpnGateway.Tests.Settlement;

/// <summary>
/// The provider's settlement on the real local chain: the SessionManager pays exactly the latest voucher the spool kept,
/// once, whatever restarts and the client's own moves.
/// </summary>
[Collection(ChainCollection.Name)]
public sealed class ProviderSettlementTests(ChainFixture chain)
{
    [Fact]
    public async Task SettleOnce_SessionEnded_ClosesWithTheLatestVoucher()
    {
        using var bench = await SettlementBench.StartAsync(chain);
        var provider = bench.Provider.GetPublicAddress();
        var client = bench.Client.GetPublicAddress();
        var (providerBefore, clientBefore) = (await bench.BalanceAsync(provider), await bench.BalanceAsync(client));
        bench.Accept(bench.Voucher(1_000, 1));
        bench.Accept(bench.Voucher(250_000, 4));
        var last = bench.Voucher(1_234_567, 9);
        bench.Accept(last);

        bench.Spool.EndSession(bench.SessionId, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.Equal(1_234_567, Assert.Single(bench.Spool.OpenSettlements(SettlementRole.Provider, 0)).VoucherAmount);
        var sent = await bench.Settlement().SettleOnceAsync(CancellationToken.None);

        Assert.Equal(1, sent);
        var state = await bench.StateAsync();
        Assert.Equal(SessionStatus.Closed, (SessionStatus)state.Status);
        Assert.Equal(1_234_567, await bench.BalanceAsync(provider) - providerBefore);
        Assert.Equal(SettlementBench.Deposit - 1_234_567, await bench.BalanceAsync(client) - clientBefore);
        var entry = bench.Spool.Settlement(bench.SessionId)!;
        Assert.True(entry.Closed);
        Assert.Equal(1_234_567, entry.RedeemedAmount);
        Assert.NotNull(entry.LastTransaction);
        Assert.Empty(bench.Spool.OpenSettlements(SettlementRole.Provider, long.MaxValue));
    }

    [Fact]
    public async Task SettleOnce_SessionEndedWithoutAnyVoucher_ClosesAndRefundsTheWholeDeposit()
    {
        using var bench = await SettlementBench.StartAsync(chain);
        var client = bench.Client.GetPublicAddress();
        var clientBefore = await bench.BalanceAsync(client);

        bench.Spool.EndSession(bench.SessionId, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        await bench.Settlement().SettleOnceAsync(CancellationToken.None);

        Assert.Equal(SessionStatus.Closed, (SessionStatus)(await bench.StateAsync()).Status);
        Assert.Equal(SettlementBench.Deposit, await bench.BalanceAsync(client) - clientBefore);
    }

    [Fact]
    public async Task SettleOnce_RunningSessionPastTheThreshold_SettlesAndKeepsItOpen()
    {
        using var bench = await SettlementBench.StartAsync(chain);
        var provider = bench.Provider.GetPublicAddress();
        var providerBefore = await bench.BalanceAsync(provider);
        var settlement = bench.Settlement(new SettlementOptions { Threshold = "500000", SettleBeforeExpiry = TimeSpan.Zero }, isProviding: _ => true);
        bench.Accept(bench.Voucher(400_000, 2));

        Assert.Equal(0, await settlement.SettleOnceAsync(CancellationToken.None)); // below the threshold
        bench.Spool.PostponeSettlement(bench.SessionId, 0);
        bench.Accept(bench.Voucher(600_000, 3));
        Assert.Equal(1, await settlement.SettleOnceAsync(CancellationToken.None));
        bench.Spool.PostponeSettlement(bench.SessionId, 0);
        Assert.Equal(0, await settlement.SettleOnceAsync(CancellationToken.None)); // nothing new to redeem

        var state = await bench.StateAsync();
        Assert.Equal(SessionStatus.Open, (SessionStatus)state.Status);
        Assert.Equal(600_000, state.Paid);
        Assert.Equal(600_000, await bench.BalanceAsync(provider) - providerBefore);
    }

    [Fact]
    public async Task SettleOnce_RunningSessionNearItsMaximumDuration_Settles()
    {
        // maxSessionDuration 600 s: a running session is within the default hour before it from the start.
        using var bench = await SettlementBench.StartAsync(chain, maxSessionDuration: 600);
        var settlement = bench.Settlement(new SettlementOptions { Threshold = "0" }, isProviding: _ => true);
        bench.Accept(bench.Voucher(77_000, 2));

        Assert.Equal(1, await settlement.SettleOnceAsync(CancellationToken.None));

        var state = await bench.StateAsync();
        Assert.Equal(SessionStatus.Open, (SessionStatus)state.Status);
        Assert.Equal(77_000, state.Paid);
    }

    [Fact]
    public async Task SettleOnce_GatewayDiedAfterTheCloseWasMined_RestartRecordsItAndPaysNothingTwice()
    {
        using var bench = await SettlementBench.StartAsync(chain);
        var provider = bench.Provider.GetPublicAddress();
        var client = bench.Client.GetPublicAddress();
        var (providerBefore, clientBefore) = (await bench.BalanceAsync(provider), await bench.BalanceAsync(client));
        bench.Accept(bench.Voucher(300_000, 3));
        bench.Accept(bench.Voucher(900_000, 6));
        bench.Spool.EndSession(bench.SessionId, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

        // The transaction is mined, then the process dies before it records the outcome.
        var dying = new DyingSender(bench.Sender);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => bench.Settlement(sender: dying).SettleOnceAsync(CancellationToken.None));
        Assert.Equal(1, dying.Sent);
        bench.ReopenSpool();
        var pending = bench.Spool.Settlement(bench.SessionId)!;
        Assert.Equal("close", pending.PendingAction);
        Assert.False(pending.Closed);
        Assert.Equal("900000", bench.Spool.LatestVoucher(bench.SessionId)!.CumulativeAmount);

        Assert.Equal(0, await bench.Settlement().SettleOnceAsync(CancellationToken.None)); // the chain says it is closed: nothing sent

        var entry = bench.Spool.Settlement(bench.SessionId)!;
        Assert.True(entry.Closed);
        Assert.Null(entry.PendingAction);
        Assert.Equal(900_000, entry.RedeemedAmount);
        Assert.Equal(900_000, await bench.BalanceAsync(provider) - providerBefore);
        Assert.Equal(SettlementBench.Deposit - 900_000, await bench.BalanceAsync(client) - clientBefore);
    }

    [Fact]
    public async Task SettleOnce_GatewayDiedAfterASettlement_CloseAfterTheRestartPaysOnlyTheRest()
    {
        using var bench = await SettlementBench.StartAsync(chain);
        var provider = bench.Provider.GetPublicAddress();
        var providerBefore = await bench.BalanceAsync(provider);
        bench.Accept(bench.Voucher(600_000, 3));
        var threshold = new SettlementOptions { Threshold = "1", SettleBeforeExpiry = TimeSpan.Zero };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => bench.Settlement(threshold, isProviding: _ => true, sender: new DyingSender(bench.Sender)).SettleOnceAsync(CancellationToken.None));
        bench.ReopenSpool();

        // After the restart: the session went on, paid more, and ended.
        bench.Accept(bench.Voucher(1_000_000, 5));
        bench.Spool.EndSession(bench.SessionId, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.Equal(1, await bench.Settlement(threshold).SettleOnceAsync(CancellationToken.None));

        Assert.Equal(SessionStatus.Closed, (SessionStatus)(await bench.StateAsync()).Status);
        Assert.Equal(1_000_000, await bench.BalanceAsync(provider) - providerBefore);
    }

    [Fact]
    public async Task ClientStartsCloseAfterSettlingAnOldVoucher_ProviderAnswersWithTheLatest()
    {
        using var bench = await SettlementBench.StartAsync(chain);
        var provider = bench.Provider.GetPublicAddress();
        var client = bench.Client.GetPublicAddress();
        var (providerBefore, clientBefore) = (await bench.BalanceAsync(provider), await bench.BalanceAsync(client));
        var old = bench.Voucher(100_000, 1);
        bench.Accept(old);
        bench.Accept(bench.Voucher(2_500_000, 8));
        var terminator = new RecordingTerminator();
        var running = true;
        var settlement = bench.Settlement(new SettlementOptions { Threshold = "0", SettleBeforeExpiry = TimeSpan.Zero, Interval = TimeSpan.FromSeconds(30) },
            isProviding: _ => running, terminator: terminator);
        var watcher = await bench.WatcherAsync(settlement);
        await watcher.CatchUpAsync();
        Assert.Equal(0, await settlement.SettleOnceAsync(CancellationToken.None)); // running, below any threshold

        // The client redeems its old voucher and starts closing, hoping the provider misses the challenge window.
        await bench.ClientSettlesAsync(old);
        await bench.ClientStartsCloseAsync();
        await watcher.CatchUpAsync();
        Assert.NotEqual(0UL, bench.Spool.Settlement(bench.SessionId)!.CloseDeadline);

        Assert.Equal(0, await settlement.SettleOnceAsync(CancellationToken.None)); // first the tunnel session ends
        Assert.Equal(bench.SessionId, Assert.Single(terminator.Terminated).SessionId);
        running = false;
        bench.Spool.PostponeSettlement(bench.SessionId, 0);
        Assert.Equal(1, await settlement.SettleOnceAsync(CancellationToken.None));

        var state = await bench.StateAsync();
        Assert.Equal(SessionStatus.Closed, (SessionStatus)state.Status);
        Assert.Equal(100_000, state.Paid); // what the client settled; the close paid the rest of the latest voucher
        Assert.Equal(2_500_000, bench.Spool.Settlement(bench.SessionId)!.RedeemedAmount);
        Assert.Equal(2_500_000, await bench.BalanceAsync(provider) - providerBefore);
        Assert.Equal(SettlementBench.Deposit - 2_500_000, await bench.BalanceAsync(client) - clientBefore);
    }

    [Fact]
    public async Task ClientSessionCloser_ProviderSilent_StartsCloseAndFinalizesAfterTheWindow()
    {
        using var bench = await SettlementBench.StartAsync(chain, challengeWindow: 3);
        var client = bench.Client.GetPublicAddress();
        var clientBefore = await bench.BalanceAsync(client);
        using var clientSpool = EvidenceSpool.Open(bench.SpoolPath + ".client");
        clientSpool.TrackSettlement(bench.SessionId, SettlementRole.Client, onChain: true);
        var sender = new TransactionSender(chain.RpcUrl, chain.ChainId, bench.Client);
        var closer = new ClientSessionCloser(clientSpool, new SettlementChain(sender, bench.Contracts.SessionManager),
            new SettlementOptions { CooperativeCloseWait = TimeSpan.FromSeconds(1), FinalizeWait = TimeSpan.FromSeconds(30) }, TimeProvider.System,
            NullLogger<ClientSessionCloser>.Instance);

        await closer.CloseAsync(bench.SessionId, CancellationToken.None);

        Assert.Equal(SessionStatus.Closed, (SessionStatus)(await bench.StateAsync()).Status);
        Assert.Equal(SettlementBench.Deposit, await bench.BalanceAsync(client) - clientBefore);
        Assert.True(clientSpool.Settlement(bench.SessionId)!.Closed);
    }

    [Fact]
    public async Task ClientSessionCloser_ProviderAnswersTheClose_NextStartRecordsTheProvidersClose()
    {
        using var bench = await SettlementBench.StartAsync(chain);
        var provider = bench.Provider.GetPublicAddress();
        var providerBefore = await bench.BalanceAsync(provider);
        bench.Accept(bench.Voucher(800_000, 4));
        using var clientSpool = EvidenceSpool.Open(bench.SpoolPath + ".client");
        clientSpool.TrackSettlement(bench.SessionId, SettlementRole.Client, onChain: true);
        var closer = new ClientSessionCloser(clientSpool, new SettlementChain(new TransactionSender(chain.RpcUrl, chain.ChainId, bench.Client), bench.Contracts.SessionManager),
            new SettlementOptions { CooperativeCloseWait = TimeSpan.Zero }, TimeProvider.System, NullLogger<ClientSessionCloser>.Instance);

        await closer.CloseAsync(bench.SessionId, CancellationToken.None); // window of an hour: left for later
        Assert.Equal(SessionStatus.Closing, (SessionStatus)(await bench.StateAsync()).Status);
        Assert.False(clientSpool.Settlement(bench.SessionId)!.Closed);

        var settlement = bench.Settlement();
        var watcher = await bench.WatcherAsync(settlement);
        await watcher.CatchUpAsync();
        Assert.Equal(1, await settlement.SettleOnceAsync(CancellationToken.None));
        clientSpool.PostponeSettlement(bench.SessionId, 0);
        await closer.FinishPendingAsync(CancellationToken.None);

        Assert.True(clientSpool.Settlement(bench.SessionId)!.Closed);
        Assert.Equal(800_000, await bench.BalanceAsync(provider) - providerBefore);
    }

    /// <summary>Sends through the real sender, then dies: the transaction is mined, its outcome never recorded.</summary>
    private sealed class DyingSender(ITransactionSender inner) : ITransactionSender
    {
        public int Sent { get; private set; }

        public string Address => inner.Address;

        public IWeb3 Web3 => inner.Web3;

        public async Task<TransactionResult> TrySendAsync(TransactionRequest request, CancellationToken cancellationToken = default)
        {
            var result = await inner.TrySendAsync(request, cancellationToken);
            Assert.True(result.IsSuccess, result.Error?.ToString());
            Sent++;
            throw new OperationCanceledException("the gateway died");
        }
    }
}
