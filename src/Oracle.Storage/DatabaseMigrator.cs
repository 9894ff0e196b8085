using System.Reflection;
using DbUp;
using DbUp.Engine;
using DbUp.Engine.Output;
using DbUp.Postgresql;
using Npgsql;

namespace Oracle.Storage;

/// <summary>
/// Applies versioned SQL migrations (embedded <c>Migrations/NNNN_name.sql</c> files) with DbUp, once each, in name order,
/// one transaction per script, journalled in <c>&lt;schema&gt;.schema_versions</c>. Scripts name tables without a
/// schema: they run with <c>search_path</c> set to the service's own schema. A PostgreSQL advisory lock makes
/// concurrent starts of the same service wait for each other instead of racing.
/// </summary>
public static class DatabaseMigrator
{
    /// <summary>Applies the migrations embedded in <paramref name="assembly"/> under the <c>Migrations</c> folder.</summary>
    /// <param name="dataSource">The database.</param>
    /// <param name="assembly">The assembly holding the scripts as embedded resources.</param>
    /// <param name="schema">The schema the service owns; created if missing, and home of the journal table.</param>
    /// <param name="cancellationToken">Cancels waiting for the lock.</param>
    /// <returns>The names of the scripts applied now (empty when the database was up to date).</returns>
    /// <exception cref="MigrationException">A script failed; its transaction was rolled back.</exception>
    public static async Task<IReadOnlyList<string>> MigrateAsync(NpgsqlDataSource dataSource, Assembly assembly, string schema, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(assembly);
        ArgumentException.ThrowIfNullOrEmpty(schema);

        await using var lockConnection = await dataSource.OpenConnectionAsync(cancellationToken);
        var lockKey = LockKey(schema);
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock($1)", lockConnection))
        {
            take.Parameters.AddWithValue(lockKey);
            await take.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            var prefix = assembly.GetName().Name + ".Migrations.";
            var upgrader = DeployChanges.To
                .PostgresqlDatabase(new PostgresqlConnectionManager(dataSource))
                .WithScriptsEmbeddedInAssembly(assembly, name => name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
                .WithTransactionPerScript()
                .JournalToPostgresqlTable(schema, "schema_versions")
                .WithPreprocessor(new SchemaPreprocessor(schema))
                .LogTo(new NoOpUpgradeLog())
                .Build();

            // DbUp does not create the schema that holds its journal.
            await using (var create = new NpgsqlCommand($"CREATE SCHEMA IF NOT EXISTS \"{schema.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", lockConnection))
            {
                await create.ExecuteNonQueryAsync(cancellationToken);
            }

            var result = await Task.Run(upgrader.PerformUpgrade, cancellationToken);
            if (!result.Successful)
            {
                throw new MigrationException($"migration {result.ErrorScript?.Name} of schema {schema} failed: {result.Error.Message}", result.Error);
            }

            return result.Scripts.Select(s => s.Name[prefix.Length..]).ToList();
        }
        finally
        {
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", lockConnection);
            release.Parameters.AddWithValue(lockKey);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private static long LockKey(string schema)
    {
        // Stable across processes and machines (string.GetHashCode is randomized per process).
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("oracle-migrations:" + schema));
        return BitConverter.ToInt64(hash, 0);
    }
}
