namespace Oracle.Chain.Events;

/// <summary>
/// Where watchers keep their <see cref="ChainCursor"/>, in the service's own database so that a handler's writes and
/// the cursor commit in one transaction (<see cref="IChainCursorTransaction"/>): after a crash the service resumes
/// exactly after the last batch it applied, neither skipping nor repeating one. Implementations: PostgreSQL
/// (<c>Oracle.Storage.ChainCursors.PostgresChainCursorStore</c>) and an embedded SQLite file
/// (<c>Oracle.Storage.ChainCursors.SqliteChainCursorStore</c>) for operators without a database server.
/// </summary>
public interface IChainCursorStore
{
    /// <summary>The cursor of <paramref name="watcher"/>, or <see langword="null"/> before its first batch (no lock taken).</summary>
    Task<ChainCursor?> ReadAsync(string watcher, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens a transaction in which the watcher re-reads its cursor (locked until commit or rollback, so two instances of
    /// one watcher never apply the same batch), the handler writes, and the new cursor is written.
    /// </summary>
    Task<IChainCursorTransaction> BeginAsync(string watcher, CancellationToken cancellationToken = default);
}
