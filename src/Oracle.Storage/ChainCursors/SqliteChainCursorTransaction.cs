using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Oracle.Chain.Events;

namespace Oracle.Storage.ChainCursors;

/// <summary>A step of a watcher on <see cref="SqliteChainCursorStore"/>: one connection holding SQLite's write lock (<c>BEGIN IMMEDIATE</c>).</summary>
internal sealed class SqliteChainCursorTransaction(SqliteConnection connection, SqliteTransaction transaction, string watcher) : IChainCursorTransaction
{
    public DbConnection Connection => connection;

    public DbTransaction Transaction => transaction;

    public Task<ChainCursor?> ReadAsync(CancellationToken cancellationToken = default)
        => SqliteChainCursorStore.ReadAsync(connection, transaction, watcher, cancellationToken);

    public async Task WriteAsync(ChainCursor cursor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO chain_cursors (watcher, next_block, updated_at) VALUES (@watcher, @next, @now)
            ON CONFLICT (watcher) DO UPDATE SET next_block = excluded.next_block, updated_at = excluded.updated_at;
            DELETE FROM chain_cursor_blocks WHERE watcher = @watcher;
            """, new { watcher, next = checked((long)cursor.NextBlock), now = DateTimeOffset.UtcNow.ToString("O") }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO chain_cursor_blocks (watcher, number, hash) VALUES (@watcher, @Number, @Hash)",
            cursor.Blocks.Select(b => new { watcher, Number = checked((long)b.Number), b.Hash }), transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public Task CommitAsync(CancellationToken cancellationToken = default) => transaction.CommitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync().ConfigureAwait(false);
        await connection.DisposeAsync().ConfigureAwait(false);
    }
}
