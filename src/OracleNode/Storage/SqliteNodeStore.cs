using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Oracle.Chain.Events;
using Oracle.Storage.ChainCursors;

namespace OracleNode.Storage;

/// <summary>
/// The node's tables in an embedded SQLite file, for an operator without a database server. WAL journal and
/// <c>synchronous=FULL</c>: a committed transaction (a journaled vote) is on disk before the call returns. The schema
/// is the PostgreSQL one: the same migration scripts (Migrations/*.sql), with the one PostgreSQL-only construct they use
/// (identity columns) translated (<see cref="ToSqlite"/>), applied in order and counted in table <c>node_schema</c>; the
/// chain watcher's cursor tables (<see cref="SqliteChainCursorStore"/>) share the file.
/// </summary>
internal sealed class SqliteNodeStore : SqlNodeStore
{
    private readonly string _connectionString;
    private SqliteChainCursorStore? _cursors;

    public SqliteNodeStore(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Mode = SqliteOpenMode.ReadWriteCreate, DefaultTimeout = 30, Pooling = true }.ToString();
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    public override string Description => $"SQLite {Path}";

    public override IChainCursorStore Cursors => _cursors ?? throw new InvalidOperationException("the store is not initialized");

    public override async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (System.IO.Path.GetDirectoryName(Path) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }

        // The watcher's cursor tables live in the same file (one transaction for projected rows and cursor).
        _cursors = await SqliteChainCursorStore.OpenAsync(Path, cancellationToken).ConfigureAwait(false);
        await using var connection = (SqliteConnection)await OpenAsync(cancellationToken).ConfigureAwait(false);
        // The node's schema version has a table of its own (PRAGMA user_version belongs to the cursor store).
        await connection.ExecuteAsync(new CommandDefinition("CREATE TABLE IF NOT EXISTS node_schema (version INTEGER NOT NULL)", cancellationToken: cancellationToken)).ConfigureAwait(false);
        var version = await connection.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT max(version) FROM node_schema", cancellationToken: cancellationToken)).ConfigureAwait(false) ?? 0;
        var scripts = Scripts();
        if (version > scripts.Count)
        {
            throw new InvalidDataException($"{Path} was written by a newer oracle node (schema version {version}, this one knows {scripts.Count})");
        }

        for (var i = (int)version; i < scripts.Count; i++)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(scripts[i], transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition("INSERT INTO node_schema (version) VALUES (@version)", new { version = i + 1 }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition("PRAGMA synchronous = FULL; PRAGMA busy_timeout = 30000;", cancellationToken: cancellationToken)).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static List<string> Scripts()
    {
        var assembly = typeof(SqliteNodeStore).Assembly;
        return [.. assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("oracle-node.Migrations.", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n =>
            {
                using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
                return ToSqlite(reader.ReadToEnd());
            })];
    }

    /// <summary>
    /// A PostgreSQL migration in SQLite's dialect. The scripts keep to the SQL both engines share; the one exception is
    /// an identity key, which SQLite spells <c>INTEGER PRIMARY KEY AUTOINCREMENT</c>.
    /// </summary>
    internal static string ToSqlite(string postgres)
        => postgres.Replace("BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "INTEGER PRIMARY KEY AUTOINCREMENT", StringComparison.Ordinal);
}
