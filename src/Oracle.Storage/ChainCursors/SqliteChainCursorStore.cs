using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Oracle.Chain.Events;

namespace Oracle.Storage.ChainCursors;

/// <summary>
/// Chain watcher cursors in an embedded SQLite file, for an operator who runs a service (an oracle node, say) without a
/// database server. The service keeps its own tables in the same file, so a handler's rows and the cursor commit in
/// one transaction. WAL and <c>synchronous=FULL</c>: a committed step is on disk. A step takes SQLite's write lock at
/// its start (<c>BEGIN IMMEDIATE</c>), so steps never interleave.
/// </summary>
public sealed class SqliteChainCursorStore : IChainCursorStore
{
    private const int SchemaVersion = 1;

    private readonly string _connectionString;

    private SqliteChainCursorStore(string connectionString) => _connectionString = connectionString;

    /// <summary>The file's connection string, for the service's own connections to it.</summary>
    public string ConnectionString => _connectionString;

    /// <summary>Opens (creating if needed) the store at <paramref name="path"/> and creates its tables.</summary>
    /// <exception cref="InvalidDataException">The file was written by a newer version of the store.</exception>
    public static async Task<SqliteChainCursorStore> OpenAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }

        var store = new SqliteChainCursorStore(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            DefaultTimeout = 30,
        }.ToString());
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var version = await connection.ExecuteScalarAsync<long>(new CommandDefinition("PRAGMA user_version", cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (version > SchemaVersion)
        {
            throw new InvalidDataException($"{path} holds chain cursors of schema version {version}, newer than this program's {SchemaVersion}");
        }

        await connection.ExecuteAsync(new CommandDefinition($"""
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS chain_cursors (
                watcher TEXT PRIMARY KEY,
                next_block INTEGER NOT NULL CHECK (next_block >= 0),
                updated_at TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS chain_cursor_blocks (
                watcher TEXT NOT NULL REFERENCES chain_cursors (watcher) ON DELETE CASCADE,
                number INTEGER NOT NULL CHECK (number >= 0),
                hash TEXT NOT NULL,
                PRIMARY KEY (watcher, number));
            PRAGMA user_version = {SchemaVersion};
            """, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return store;
    }

    /// <summary>Opens a connection to the file with the store's settings (for the service's own reads and writes).</summary>
    public async Task<SqliteConnection> OpenConnectionAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 30000;",
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<ChainCursor?> ReadAsync(string watcher, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(watcher);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ReadAsync(connection, null, watcher, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IChainCursorTransaction> BeginAsync(string watcher, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(watcher);
        var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // deferred: false is BEGIN IMMEDIATE: the write lock now, not at the first write.
            var transaction = connection.BeginTransaction(deferred: false);
            return new SqliteChainCursorTransaction(connection, transaction, watcher);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    internal static async Task<ChainCursor?> ReadAsync(DbConnection connection, DbTransaction? transaction, string watcher, CancellationToken cancellationToken)
    {
        var next = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            "SELECT next_block FROM chain_cursors WHERE watcher = @watcher", new { watcher }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (next is null)
        {
            return null;
        }

        var blocks = await connection.QueryAsync<(long Number, string Hash)>(new CommandDefinition(
            "SELECT number, hash FROM chain_cursor_blocks WHERE watcher = @watcher ORDER BY number", new { watcher }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new ChainCursor((ulong)next.Value, blocks.Select(b => new RememberedBlock((ulong)b.Number, b.Hash)).ToList());
    }
}
