using Npgsql;

namespace Oracle.Testing;

/// <summary>
/// Throwaway databases on the real PostgreSQL: each <see cref="CreateDatabaseAsync"/> makes a fresh one, and all are
/// dropped when the fixture is disposed.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private readonly List<(string Name, NpgsqlDataSource DataSource)> _databases = [];
    private string _adminConnectionString = "";

    /// <inheritdoc />
    public async Task InitializeAsync() => _adminConnectionString = await LocalServices.PostgresConnectionStringAsync();

    /// <summary>A data source on a new, empty database.</summary>
    public async Task<NpgsqlDataSource> CreateDatabaseAsync(string prefix = "test")
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)].ToLowerInvariant();
        await using (var admin = new NpgsqlConnection(_adminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = name }.ConnectionString);
        lock (_databases)
        {
            _databases.Add((name, dataSource));
        }

        return dataSource;
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        foreach (var (name, dataSource) in _databases)
        {
            await dataSource.DisposeAsync();
            await using var admin = new NpgsqlConnection(_adminConnectionString);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
