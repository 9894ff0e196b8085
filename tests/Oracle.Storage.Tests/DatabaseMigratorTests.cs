using Dapper;
using Oracle.Testing;

namespace Oracle.Storage.Tests;

public sealed class DatabaseMigratorTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private sealed record SessionRow(long Id, string Client, string Provider, DateTime StartedAt, long Bytes);

    [Fact]
    public async Task MigrateAsync_NewDatabase_AppliesEveryScriptOnceInOrder()
    {
        await using var db = await postgres.CreateDatabaseAsync();

        var first = await DatabaseMigrator.MigrateAsync(db, typeof(DatabaseMigratorTests).Assembly, "gateway");
        var second = await DatabaseMigrator.MigrateAsync(db, typeof(DatabaseMigratorTests).Assembly, "gateway");

        Assert.Equal(["0001_create_sessions.sql", "0002_add_bytes.sql"], first);
        Assert.Empty(second);
        await using var connection = await db.OpenConnectionAsync();
        Assert.Equal(2, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM gateway.schema_versions"));
    }

    [Fact]
    public async Task Dapper_RowWrittenAndRead_RoundTrips()
    {
        await using var db = await postgres.CreateDatabaseAsync();
        await DatabaseMigrator.MigrateAsync(db, typeof(DatabaseMigratorTests).Assembly, "gateway");
        var started = new DateTime(2026, 11, 26, 12, 0, 0, DateTimeKind.Utc);
        await using var connection = await db.OpenConnectionAsync();

        await connection.ExecuteAsync(
            "INSERT INTO gateway.sessions (id, client, provider, started_at, bytes) VALUES (@Id, @Client, @Provider, @StartedAt, @Bytes)",
            new SessionRow(7, "0xclient", "0xprovider", started, 1_000_000));
        var row = await connection.QuerySingleAsync<SessionRow>(
            "SELECT id, client, provider, started_at AS StartedAt, bytes FROM gateway.sessions WHERE id = @id", new { id = 7L });

        Assert.Equal(new SessionRow(7, "0xclient", "0xprovider", started, 1_000_000), row);
    }

    [Fact]
    public async Task MigrateAsync_ConcurrentStarts_ApplyEachScriptOnce()
    {
        await using var db = await postgres.CreateDatabaseAsync();

        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => DatabaseMigrator.MigrateAsync(db, typeof(DatabaseMigratorTests).Assembly, "gateway")));

        Assert.Equal(2, runs.Sum(r => r.Count));
    }

    [Fact]
    public async Task MigrateAsync_FailingScript_ThrowsAndKeepsTheEarlierVersion()
    {
        await using var db = await postgres.CreateDatabaseAsync();
        await using (var connection = await db.OpenConnectionAsync())
        {
            // The table already exists, so the first script fails.
            await connection.ExecuteAsync("CREATE SCHEMA gateway; CREATE TABLE gateway.sessions (id int)");
        }

        var e = await Assert.ThrowsAsync<MigrationException>(() => DatabaseMigrator.MigrateAsync(db, typeof(DatabaseMigratorTests).Assembly, "gateway"));

        Assert.Contains("0001_create_sessions.sql", e.Message);
        await using var check = await db.OpenConnectionAsync();
        // The script's transaction rolled back: the table is the one that was there, and no version is journalled.
        Assert.Equal(1, await check.ExecuteScalarAsync<int>("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'gateway' AND table_name = 'sessions'"));
        Assert.Null(await check.ExecuteScalarAsync<string?>("SELECT to_regclass('gateway.schema_versions')::text"));
    }
}
