using System.Data.Common;

namespace Oracle.Chain.Events;

/// <summary>
/// One database transaction of a watcher step: the handler writes its own rows through <see cref="Connection"/> within
/// <see cref="Transaction"/> (Dapper: <c>connection.ExecuteAsync(sql, args, transaction)</c>), and they commit with the
/// cursor. Disposing without <see cref="CommitAsync"/> rolls everything back.
/// </summary>
public interface IChainCursorTransaction : IAsyncDisposable
{
    /// <summary>The open connection (an <c>NpgsqlConnection</c> or a <c>SqliteConnection</c>).</summary>
    DbConnection Connection { get; }

    /// <summary>The transaction every write of the step joins.</summary>
    DbTransaction Transaction { get; }

    /// <summary>The watcher's cursor, locked for the rest of the transaction (<see langword="null"/> before its first batch).</summary>
    Task<ChainCursor?> ReadAsync(CancellationToken cancellationToken = default);

    /// <summary>Replaces the watcher's cursor.</summary>
    Task WriteAsync(ChainCursor cursor, CancellationToken cancellationToken = default);

    /// <summary>Commits the handler's writes and the cursor together.</summary>
    Task CommitAsync(CancellationToken cancellationToken = default);
}
