using System.Data.Common;
using Dapper;
using Npgsql;
using Oracle.Chain.Events;

namespace Oracle.Storage.ChainCursors;

/// <summary>A step of a watcher on <see cref="PostgresChainCursorStore"/>: one connection, one transaction, the watcher's advisory lock.</summary>
internal sealed class PostgresChainCursorTransaction(PostgresChainCursorStore store, NpgsqlConnection connection, NpgsqlTransaction transaction, string watcher) : IChainCursorTransaction
{
    public DbConnection Connection => connection;

    public DbTransaction Transaction => transaction;

    public async Task<ChainCursor?> ReadAsync(CancellationToken cancellationToken = default)
    {
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@key)", new { key = store.LockKey(watcher) }, transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return await store.ReadAsync(connection, transaction, watcher, forUpdate: true, cancellationToken).ConfigureAwait(false);
    }

    public Task WriteAsync(ChainCursor cursor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        return store.WriteAsync(connection, transaction, watcher, cursor, cancellationToken);
    }

    public Task CommitAsync(CancellationToken cancellationToken = default) => transaction.CommitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync().ConfigureAwait(false);
        await connection.DisposeAsync().ConfigureAwait(false);
    }
}
