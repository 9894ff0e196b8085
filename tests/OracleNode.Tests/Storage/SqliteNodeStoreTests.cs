using OracleNode.Storage;

namespace OracleNode.Tests.Storage;

public sealed class SqliteNodeStoreTests : NodeStoreTests, IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("oracle-node-sqlite-");

    internal override async Task<INodeStore> StoreAsync(string reuse)
    {
        var store = new SqliteNodeStore(Path.Combine(_folder.FullName, reuse + ".db"));
        await store.InitializeAsync(default);
        return store;
    }

    [Fact]
    public async Task Initialize_FileOfANewerNode_Refused()
    {
        var path = Path.Combine(_folder.FullName, "newer.db");
        var store = new SqliteNodeStore(path);
        await store.InitializeAsync(default);
        await using (var connection = await store.OpenAsync(default))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "INSERT INTO node_schema (version) VALUES (99)";
            await command.ExecuteNonQueryAsync();
        }

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => new SqliteNodeStore(path).InitializeAsync(default));
        Assert.Contains("newer", error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }
}
