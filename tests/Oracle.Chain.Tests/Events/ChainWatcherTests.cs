using System.Numerics;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;
using Oracle.Chain.Contracts.VpnToken;
using Oracle.Chain.Deployment;
using Oracle.Chain.Events;
using Oracle.Chain.Tests.Support;
using Oracle.Storage.ChainCursors;
using Oracle.Testing;

namespace Oracle.Chain.Tests.Events;

/// <summary>
/// The chain watcher on a chain of this class's own (the tests revert snapshots and mine thousands of blocks), with its
/// cursor and the handler's projection in one SQLite file.
/// </summary>
public sealed class ChainWatcherTests(PrivateChainFixture fixture) : IClassFixture<PrivateChainFixture>, IAsyncLifetime
{
    private static readonly ChainWatcherOptions Options = new() { PollInterval = TimeSpan.FromMilliseconds(20) };

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("watcher-");
    private SqliteChainCursorStore _store = null!;
    private Nethereum.Signer.EthECKey _key = null!;
    private IWeb3 _owner = null!;
    private string _address = null!;
    private string _token = null!;
    private string _otherToken = null!;
    private ulong _deployedAt;

    private ChainFixture Chain => fixture.Chain;

    public async Task InitializeAsync()
    {
        _store = await SqliteChainCursorStore.OpenAsync(Path.Combine(_folder.FullName, "node.db"));
        await using (var connection = await _store.OpenConnectionAsync())
        {
            await Dapper.SqlMapper.ExecuteAsync(connection, ProjectionHandler.CreateTable);
        }

        (_key, _owner) = await Chain.NewAccountAsync();
        _address = _key.GetPublicAddress();
        var deployed = await ContractDeployer.DeployAsync(_owner, VpnTokenService.ContractName, new VpnTokenDeployment());
        _token = deployed.Address;
        _deployedAt = deployed.BlockNumber;
        _otherToken = (await ContractDeployer.DeployAsync(_owner, VpnTokenService.ContractName, new VpnTokenDeployment())).Address;
        await new VpnTokenService(_owner, _token).SetMinterAsync(_address);
        await new VpnTokenService(_owner, _otherToken).SetMinterAsync(_address);
    }

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task StepAsync_EventsOfTwoContracts_ArriveDecodedInBlockAndLogOrder()
    {
        var handler = new ProjectionHandler();
        var watcher = Watcher(handler);
        await MintAsync(_token, 1);
        await MintAsync(_otherToken, 2);
        await new VpnTokenService(_owner, _token).ApproveAsync(_address, 3);
        await MintAsync(_token, 4);

        await watcher.CatchUpAsync();

        var events = handler.Batches.SelectMany(b => b.Events).ToList();
        Assert.Equal(["transfer 1", "transfer 2", "approval 3", "transfer 4"], events.Select(Describe));
        Assert.Equal([_token, _otherToken, _token, _token], events.Select(e => e.Contract), StringComparer.OrdinalIgnoreCase);
        Assert.Equal(events.OrderBy(e => e.BlockNumber).ThenBy(e => e.LogIndex), events);
        foreach (var e in events)
        {
            var receipt = await Chain.ReadOnly.Eth.Transactions.GetTransactionReceipt.SendRequestAsync(e.TransactionHash);
            Assert.Equal(e.BlockNumber, (ulong)receipt.BlockNumber.Value);
            Assert.Equal(e.BlockHash, receipt.BlockHash, ignoreCase: true);
        }

        Assert.Equal(_deployedAt, handler.Batches[0].FromBlock);
        Assert.All(handler.Batches.Zip(handler.Batches.Skip(1)), p => Assert.Equal(p.First.ToBlock + 1, p.Second.FromBlock));
        Assert.Equal([("transfer", 1), ("transfer", 2), ("approval", 3), ("transfer", 4)], await ProjectionAsync());
        Assert.Equal(await Chain.BlockNumberAsync() + 1, (await _store.ReadAsync("test"))!.NextBlock);
    }

    [Fact]
    public async Task StepAsync_ThousandsOfEmptyBlocks_ReadsThemInBoundedRanges()
    {
        var handler = new ProjectionHandler();
        var watcher = Watcher(handler);
        await MintAsync(_token, 1);
        await watcher.CatchUpAsync();
        var before = handler.Batches.Count;
        var gapStart = await Chain.BlockNumberAsync() + 1;

        await Chain.MineManyAsync(5_000);
        await MintAsync(_token, 2);
        var steps = await watcher.CatchUpAsync();

        var batches = handler.Batches.Skip(before).ToList();
        Assert.All(batches, b => Assert.InRange(b.ToBlock - b.FromBlock + 1, 1UL, 500UL));
        Assert.Equal(gapStart, batches[0].FromBlock);
        Assert.All(batches.Zip(batches.Skip(1)), p => Assert.Equal(p.First.ToBlock + 1, p.Second.FromBlock));
        Assert.True(batches.Count >= 10, $"{batches.Count} batches");
        Assert.Equal(batches.Count, steps.Count);
        Assert.Equal(["transfer 2"], batches.SelectMany(b => b.Events).Select(Describe));
        // Memory stays bounded whatever the distance covered.
        Assert.InRange((await _store.ReadAsync("test"))!.Blocks.Count, 1, Options.RememberedBlocks);
    }

    [Fact]
    public async Task StepAsync_Reorganization_RollsTheHandlerBackToTheForkAndDeliversTheNewChain()
    {
        var handler = new ProjectionHandler();
        var watcher = Watcher(handler);
        await MintAsync(_token, 1);
        await watcher.CatchUpAsync();
        var fork = await Chain.BlockNumberAsync();
        var snapshot = await Chain.SnapshotAsync();
        await MintAsync(_token, 10);
        await Chain.MineAsync();
        await MintAsync(_otherToken, 11);
        await watcher.CatchUpAsync();
        var height = await Chain.BlockNumberAsync();
        Assert.Equal([("transfer", 1), ("transfer", 10), ("transfer", 11)], await ProjectionAsync());

        // Another branch from the fork point: different transactions, mined to the same height and beyond.
        await Chain.RevertAsync(snapshot);
        _owner = await Chain.ConnectAsync(_key);
        await MintAsync(_otherToken, 20);
        await MintAsync(_token, 21);
        while (await Chain.BlockNumberAsync() < height + 1)
        {
            await Chain.MineAsync();
        }

        var steps = await watcher.CatchUpAsync();

        var rollback = Assert.Single(steps, s => s.Kind == ChainWatcherStepKind.RolledBack);
        Assert.Equal(steps[0], rollback);
        Assert.True(rollback.ToBlock <= fork, $"rolled back to {rollback.ToBlock}, fork at {fork}");
        Assert.Equal([rollback.ToBlock], handler.Rollbacks);
        Assert.Equal([("transfer", 1), ("transfer", 20), ("transfer", 21)], await ProjectionAsync());
        var cursor = (await _store.ReadAsync("test"))!;
        foreach (var block in cursor.Blocks)
        {
            var onChain = await Chain.ReadOnly.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(new BlockParameter(new HexBigInteger(block.Number)));
            Assert.Equal(onChain.BlockHash, block.Hash, ignoreCase: true);
        }
    }

    [Fact]
    public async Task StepAsync_Confirmations_HoldsBlocksBackUntilDeepEnough()
    {
        var handler = new ProjectionHandler();
        var watcher = Watcher(handler, confirmations: 3);
        await MintAsync(_token, 5);
        var minted = await Chain.BlockNumberAsync();

        await watcher.CatchUpAsync();
        Assert.Empty(handler.Batches.SelectMany(b => b.Events));
        Assert.True(handler.Batches.Count == 0 || handler.Batches[^1].ToBlock < minted);
        await Chain.MineAsync(3);
        await watcher.CatchUpAsync();

        Assert.Equal(["transfer 5"], handler.Batches.SelectMany(b => b.Events).Select(Describe));
        Assert.Equal(await Chain.BlockNumberAsync() - 3, handler.Batches[^1].ToBlock);
    }

    [Fact]
    public async Task StepAsync_ReorganizationDeeperThanItsMemory_StopsWithAClearError()
    {
        var handler = new ProjectionHandler();
        var snapshot = await Chain.SnapshotAsync();
        var watcher = Watcher(handler, Options with { RememberedBlocks = 2 }, range: 1);
        await MintAsync(_token, 1);
        await Chain.MineAsync(4);
        await watcher.CatchUpAsync();

        await Chain.RevertAsync(snapshot);
        await Chain.MineAsync(8);

        var e = await Assert.ThrowsAsync<ChainReorganizationException>(() => watcher.StepAsync());
        Assert.Contains("RememberedBlocks", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StepAsync_HandlerFailsAfterWriting_NothingCommitsAndTheBatchComesAgain()
    {
        var handler = new ProjectionHandler();
        var watcher = Watcher(handler);
        await MintAsync(_token, 1);
        await watcher.CatchUpAsync();
        await MintAsync(_token, 2);
        var cursor = await _store.ReadAsync("test");

        handler.FailAfterWriting = true;
        await Assert.ThrowsAsync<InvalidOperationException>(() => watcher.StepAsync());
        Assert.True(cursor!.SameAs(await _store.ReadAsync("test")));
        Assert.Equal([("transfer", 1)], await ProjectionAsync());

        // A new process (the old one crashed) resumes from the committed cursor: the batch is applied once.
        var restarted = Watcher(handler);
        await restarted.CatchUpAsync();
        Assert.Equal([("transfer", 1), ("transfer", 2)], await ProjectionAsync());
    }

    private ChainWatcher Watcher(ProjectionHandler handler, ChainWatcherOptions? options = null, uint confirmations = 0, ulong range = 500)
        => new ChainWatcher(Chain.ReadOnly, confirmations, range, "test", _deployedAt, _store, handler, options ?? Options)
            .Subscribe<TransferEvent>(_token)
            .Subscribe<ApprovalEvent>(_token)
            .Subscribe<TransferEvent>(_otherToken);

    private Task MintAsync(string token, BigInteger amount) => new VpnTokenService(_owner, token).MintAsync(_address, amount);

    private async Task<List<(string, BigInteger)>> ProjectionAsync()
    {
        await using var connection = await _store.OpenConnectionAsync();
        return (await ProjectionHandler.RowsAsync(connection)).Select(r => (r.Kind, r.Amount)).ToList();
    }

    private static string Describe(ChainEvent e) => e.Event switch
    {
        TransferEvent t => $"transfer {t.Value}",
        ApprovalEvent a => $"approval {a.Value}",
        _ => e.Event.GetType().Name,
    };
}
