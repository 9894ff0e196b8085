using Dapper;
using Oracle.Chain.Events;
using Oracle.Storage.ChainCursors;
using Oracle.Testing;

namespace Oracle.Storage.Tests.ChainCursors;

public sealed class PostgresChainCursorStoreTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly ChainCursor Cursor = new(5_000_000_001, [new RememberedBlock(4_999_999_000, "0xaa"), new RememberedBlock(5_000_000_000, "0xbb")]);

    [Fact]
    public async Task MigrateAsync_BesideTheServicesOwnMigrations_AppliesOnceIntoTheServiceSchema()
    {
        await using var db = await postgres.CreateDatabaseAsync();

        var service = await DatabaseMigrator.MigrateAsync(db, typeof(PostgresChainCursorStoreTests).Assembly, "gateway");
        var cursors = await PostgresChainCursorStore.MigrateAsync(db, "gateway");
        var again = await PostgresChainCursorStore.MigrateAsync(db, "gateway");

        Assert.Equal(2, service.Count);
        Assert.Equal(["0001_chain_cursors.sql"], cursors);
        Assert.Empty(again);
        await using var connection = await db.OpenConnectionAsync();
        Assert.Equal(2, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'gateway' AND table_name LIKE 'chain_cursor%'"));
        Assert.Equal(3, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM gateway.schema_versions"));
    }

    [Fact]
    public async Task WriteAsync_Committed_ReadsBackTheSameCursor()
    {
        var store = await StoreAsync();

        Assert.Null(await store.ReadAsync("w"));
        await using (var tx = await store.BeginAsync("w"))
        {
            Assert.Null(await tx.ReadAsync());
            await tx.WriteAsync(Cursor);
            await tx.CommitAsync();
        }

        Assert.True(Cursor.SameAs(await store.ReadAsync("w")));
        await using (var tx = await store.BeginAsync("w"))
        {
            await tx.WriteAsync(Cursor with { NextBlock = 7, Blocks = [new RememberedBlock(6, "0xcc")] });
            await tx.CommitAsync();
        }

        Assert.True(new ChainCursor(7, [new RememberedBlock(6, "0xcc")]).SameAs(await store.ReadAsync("w")));
        Assert.Null(await store.ReadAsync("other"));
    }

    [Fact]
    public async Task DisposeAsync_WithoutCommit_RollsBackTheCursorAndTheHandlersWrites()
    {
        var store = await StoreAsync();
        await using (var tx = await store.BeginAsync("w"))
        {
            await tx.Connection.ExecuteAsync("CREATE TABLE rows (n int)", transaction: tx.Transaction);
            await tx.Connection.ExecuteAsync("INSERT INTO rows VALUES (1)", transaction: tx.Transaction);
            await tx.WriteAsync(Cursor);
        }

        Assert.Null(await store.ReadAsync("w"));
        await using var tx2 = await store.BeginAsync("w");
        Assert.Equal(0, await tx2.Connection.ExecuteScalarAsync<int>("SELECT count(*) FROM information_schema.tables WHERE table_name = 'rows'", transaction: tx2.Transaction));
    }

    [Fact]
    public async Task ReadAsync_TwoStepsOfOneWatcher_TakeTurnsEvenBeforeItsFirstCursor()
    {
        var store = await StoreAsync();
        await using var first = await store.BeginAsync("w");
        Assert.Null(await first.ReadAsync());

        var second = Task.Run(async () =>
        {
            await using var tx = await store.BeginAsync("w");
            return await tx.ReadAsync();
        });
        var other = Task.Run(async () =>
        {
            await using var tx = await store.BeginAsync("another watcher");
            return await tx.ReadAsync();
        });

        Assert.Null(await other.WaitAsync(TimeSpan.FromSeconds(30)));
        await Task.Delay(500);
        Assert.False(second.IsCompleted, "the second step read the cursor while the first held it");
        await first.WriteAsync(Cursor);
        await first.CommitAsync();
        Assert.True(Cursor.SameAs(await second.WaitAsync(TimeSpan.FromSeconds(30))));
    }

    [Fact]
    public void Constructor_SchemaThatIsNotAPlainIdentifier_IsRefused()
        => Assert.Throws<ArgumentException>(() => new PostgresChainCursorStore(Npgsql.NpgsqlDataSource.Create("Host=127.0.0.1"), "x\"; DROP TABLE y; --"));

    private async Task<PostgresChainCursorStore> StoreAsync()
    {
        var db = await postgres.CreateDatabaseAsync();
        await PostgresChainCursorStore.MigrateAsync(db, "node");
        return new PostgresChainCursorStore(db, "node");
    }
}
