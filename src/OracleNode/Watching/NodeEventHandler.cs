using Oracle.Chain.Events;

namespace OracleNode.Watching;

/// <summary>The node's side of the platform's chain watcher: every batch and rollback goes to the projection, in the watcher's transaction.</summary>
internal sealed class NodeEventHandler(NodeProjection projection) : IChainEventHandler
{
    public Task HandleAsync(ChainEventBatch batch, IChainCursorTransaction transaction, CancellationToken cancellationToken)
        => projection.ApplyAsync(batch.Events, transaction.Connection, transaction.Transaction, cancellationToken);

    public Task RollbackAsync(ulong toBlock, IChainCursorTransaction transaction, CancellationToken cancellationToken)
        => projection.RollbackAsync(toBlock, transaction.Connection, transaction.Transaction, cancellationToken);
}
