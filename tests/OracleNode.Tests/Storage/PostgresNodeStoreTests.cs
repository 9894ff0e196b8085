using Npgsql;
using Oracle.Storage;
using Oracle.Testing;
using OracleNode.Storage;

namespace OracleNode.Tests.Storage;

public sealed class PostgresNodeStoreTests : NodeStoreTests, IClassFixture<PostgresFixture>
{
    private readonly PostgresFixture _postgres;
    private readonly Dictionary<string, NpgsqlDataSource> _databases = [];

    public PostgresNodeStoreTests(PostgresFixture postgres) => _postgres = postgres;

    internal override async Task<INodeStore> StoreAsync(string reuse)
    {
        if (!_databases.TryGetValue(reuse, out var database))
        {
            database = await _postgres.CreateDatabaseAsync("node");
            _databases[reuse] = database;
        }

        // The data source's own connection string hides the password: take the server's and name the database.
        var schema = new NpgsqlConnectionStringBuilder(await LocalServices.PostgresConnectionStringAsync())
        {
            Database = new NpgsqlConnectionStringBuilder(database.ConnectionString).Database,
            SearchPath = NodeStores.Schema,
        };
        var store = new PostgresNodeStore(new OracleDatabase(NpgsqlDataSource.Create(schema.ConnectionString), NodeStores.Schema));
        await store.InitializeAsync(default);
        return store;
    }
}
