using Dapper;
using Oracle.Chain.Contracts.VpnToken;
using Oracle.Chain.Deployment;
using Oracle.Chain.Events;
using Oracle.Chain.Tests.Support;
using Oracle.Storage.ChainCursors;
using Oracle.Testing;

namespace Oracle.Chain.Tests.Events;

/// <summary>The chain watcher with its cursor and the handler's projection in PostgreSQL, as the API and the collector run it.</summary>
[Collection(ChainCollection.Name)]
public sealed class ChainWatcherPostgresTests(ChainFixture chain, PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task StepAsync_TwoInstancesOfOneWatcher_ApplyEveryBatchExactlyOnce()
    {
        var db = await postgres.CreateDatabaseAsync();
        await PostgresChainCursorStore.MigrateAsync(db, "api");
        await using (var connection = await db.OpenConnectionAsync())
        {
            await connection.ExecuteAsync(ProjectionHandler.CreateTable);
        }

        var store = new PostgresChainCursorStore(db, "api");
        var (key, web3) = await chain.NewAccountAsync();
        var deployed = await ContractDeployer.DeployAsync(web3, VpnTokenService.ContractName, new VpnTokenDeployment());
        var token = new VpnTokenService(web3, deployed.Address);
        await token.SetMinterAsync(key.GetPublicAddress());
        for (var i = 1; i <= 12; i++)
        {
            await token.MintAsync(key.GetPublicAddress(), i);
        }

        // Two replicas of a service: same watcher name, same database, stepping at the same time in small batches.
        var options = new ChainWatcherOptions { PollInterval = TimeSpan.FromMilliseconds(20) };
        var handlers = new[] { new ProjectionHandler(), new ProjectionHandler() };
        var watchers = handlers.Select(h => new ChainWatcher(chain.ReadOnly, 0, 2, "read-model", deployed.BlockNumber, store, h, options).Subscribe<TransferEvent>(deployed.Address)).ToList();
        var steps = await Task.WhenAll(watchers.Select(w => Task.Run(() => w.CatchUpAsync())));
        foreach (var w in watchers)
        {
            await w.CatchUpAsync();
        }

        await using var read = await db.OpenConnectionAsync();
        var rows = await ProjectionHandler.RowsAsync(read);
        Assert.Equal(Enumerable.Range(1, 12).Select(i => new System.Numerics.BigInteger(i)), rows.Select(r => r.Amount));
        var batches = handlers.SelectMany(h => h.Batches).OrderBy(b => b.FromBlock).ToList();
        Assert.Equal(deployed.BlockNumber, batches[0].FromBlock);
        Assert.All(batches.Zip(batches.Skip(1)), p => Assert.Equal(p.First.ToBlock + 1, p.Second.FromBlock));
        Assert.Equal(batches.Count, steps.Sum(s => s.Count(x => x.Kind == ChainWatcherStepKind.Handled)));
    }
}
