namespace Oracle.Chain.Events;

/// <summary>
/// What a <see cref="ChainWatcher"/> feeds: a projection (the API's read model), the collector, the oracle node.
/// <list type="bullet">
/// <item>Batches arrive in block order, each right after the previous one, with their events in block and log order,
/// and only once their last block is <see cref="ChainWatcher.Confirmations"/> deep.</item>
/// <item>Database writes go through the <see cref="IChainCursorTransaction"/> passed in: they commit together with the
/// watcher's cursor, so a crash between the two can neither skip a batch nor apply one twice. An effect outside the
/// database (a bus message, a transaction) must be idempotent: it may be repeated if the process dies before the commit.</item>
/// <item>A reorganization deeper than the confirmations calls <see cref="RollbackAsync"/>: undo what the blocks after
/// the fork point applied; the events of the new chain then arrive from the block after it.</item>
/// <item>An exception aborts the step (nothing commits); the watcher tries the same batch again later.</item>
/// </list>
/// </summary>
public interface IChainEventHandler
{
    /// <summary>Applies <paramref name="batch"/> (its events may be empty).</summary>
    /// <param name="batch">The blocks and their events.</param>
    /// <param name="transaction">The step's transaction, for the handler's own writes.</param>
    /// <param name="cancellationToken">Cancels the step.</param>
    Task HandleAsync(ChainEventBatch batch, IChainCursorTransaction transaction, CancellationToken cancellationToken);

    /// <summary>
    /// Undoes everything applied from blocks after <paramref name="toBlock"/>: a reorganization replaced them. Blocks up
    /// to and including <paramref name="toBlock"/> stand.
    /// </summary>
    /// <param name="toBlock">The last block that stands (the fork point).</param>
    /// <param name="transaction">The step's transaction, for the handler's own writes.</param>
    /// <param name="cancellationToken">Cancels the step.</param>
    Task RollbackAsync(ulong toBlock, IChainCursorTransaction transaction, CancellationToken cancellationToken);
}
