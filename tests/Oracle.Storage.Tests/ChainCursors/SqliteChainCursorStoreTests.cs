using Dapper;
using Oracle.Chain.Events;
using Oracle.Storage.ChainCursors;

namespace Oracle.Storage.Tests.ChainCursors;

public sealed class SqliteChainCursorStoreTests : IDisposable
{
    private static readonly ChainCursor Cursor = new(42, [new RememberedBlock(40, "0xaa"), new RememberedBlock(41, "0xbb")]);
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("cursors-");

    private string Path => System.IO.Path.Combine(_folder.FullName, "sub", "node.db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }

    [Fact]
    public async Task WriteAsync_Committed_SurvivesReopeningTheFile()
    {
        var store = await SqliteChainCursorStore.OpenAsync(Path);
        await using (var tx = await store.BeginAsync("w"))
        {
            Assert.Null(await tx.ReadAsync());
            await tx.WriteAsync(Cursor);
            await tx.CommitAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var reopened = await SqliteChainCursorStore.OpenAsync(Path);

        Assert.True(Cursor.SameAs(await reopened.ReadAsync("w")));
        Assert.Null(await reopened.ReadAsync("other"));
    }

    [Fact]
    public async Task DisposeAsync_WithoutCommit_RollsBackTheCursorAndTheHandlersWrites()
    {
        var store = await SqliteChainCursorStore.OpenAsync(Path);
        await using (var c = await store.OpenConnectionAsync())
        {
            await c.ExecuteAsync("CREATE TABLE rows (n INTEGER)");
        }

        await using (var tx = await store.BeginAsync("w"))
        {
            await tx.Connection.ExecuteAsync("INSERT INTO rows VALUES (1)", transaction: tx.Transaction);
            await tx.WriteAsync(Cursor);
        }

        await using var connection = await store.OpenConnectionAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM rows"));
        Assert.Null(await store.ReadAsync("w"));
    }

    [Fact]
    public async Task BeginAsync_WhileAnotherStepHoldsTheFile_Waits()
    {
        var store = await SqliteChainCursorStore.OpenAsync(Path);
        await using var first = await store.BeginAsync("w");
        await first.WriteAsync(Cursor);

        var second = Task.Run(async () =>
        {
            await using var tx = await store.BeginAsync("w");
            return await tx.ReadAsync();
        });
        await Task.Delay(500);
        Assert.False(second.IsCompleted);
        await first.CommitAsync();

        Assert.True(Cursor.SameAs(await second.WaitAsync(TimeSpan.FromSeconds(30))));
    }

    [Fact]
    public async Task OpenAsync_FileOfANewerVersion_IsRefused()
    {
        var store = await SqliteChainCursorStore.OpenAsync(Path);
        await using (var c = await store.OpenConnectionAsync())
        {
            await c.ExecuteAsync("PRAGMA user_version = 99");
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await Assert.ThrowsAsync<InvalidDataException>(() => SqliteChainCursorStore.OpenAsync(Path));
    }
}
