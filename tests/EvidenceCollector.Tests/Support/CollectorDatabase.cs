using Npgsql;
using Oracle.Storage;
using Oracle.Testing;

namespace EvidenceCollector.Tests.Support;

/// <summary>A fresh PostgreSQL database with the collector's schema migrated, dropped when disposed.</summary>
internal sealed class CollectorDatabase : IAsyncDisposable
{
    private readonly string _admin;
    private readonly string _name;

    private CollectorDatabase(string admin, string name, OracleDatabase database, string connectionString)
    {
        _admin = admin;
        _name = name;
        Database = database;
        ConnectionString = connectionString;
    }

    /// <summary>The database as the collector sees it (search path: its schema).</summary>
    public OracleDatabase Database { get; }

    /// <summary>The connection string (without the search path).</summary>
    public string ConnectionString { get; }

    /// <summary>Creates and migrates a database on the test PostgreSQL (or on <paramref name="adminConnectionString"/>).</summary>
    public static async Task<CollectorDatabase> CreateAsync(string? adminConnectionString = null)
    {
        var admin = adminConnectionString ?? await LocalServices.PostgresConnectionStringAsync();
        var name = $"collector_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = "collector" }.ConnectionString);
        await DatabaseMigrator.MigrateAsync(dataSource, typeof(Program).Assembly, "collector");
        return new CollectorDatabase(admin, name, new OracleDatabase(dataSource, "collector"), connectionString);
    }

    /// <summary>Runs <paramref name="sql"/> and returns the first column of the first row.</summary>
    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await Database.DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Runs <paramref name="sql"/>.</summary>
    public async Task<int> ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await Database.DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteNonQueryAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Database.DataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        try
        {
            await using var connection = new NpgsqlConnection(_admin);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException)
        {
            // The server may be gone (a test that stopped its own PostgreSQL).
        }
    }
}
