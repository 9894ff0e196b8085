using Nethereum.Util;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Chain.Events;
using VpnGateway.Metering.Spool;

namespace VpnGateway.Settlement;

/// <summary>
/// Follows <c>CloseStarted</c>: a client of this provider started a unilateral close. The spool marks the session (the
/// provider answers before the challenge window ends) and settlement is woken. The mark is idempotent and lives in the
/// spool, not in the cursor's transaction: an event seen twice after a crash marks the same session again, and a
/// reorganization needs no undo, since settlement asks the chain for the session's state before it acts.
/// </summary>
internal sealed class CloseStartedHandler(EvidenceSpool spool, string provider, Action wake) : IChainEventHandler
{
    public Task HandleAsync(ChainEventBatch batch, IChainCursorTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var woken = false;
        foreach (var e in batch.Events)
        {
            if (e.Event is CloseStartedEvent started && AddressUtil.Current.AreAddressesTheSame(started.Provider, provider))
            {
                spool.MarkCloseStarted(started.SessionId, started.CloseDeadline);
                woken = true;
            }
        }

        if (woken)
        {
            wake();
        }

        return Task.CompletedTask;
    }

    public Task RollbackAsync(ulong toBlock, IChainCursorTransaction transaction, CancellationToken cancellationToken) => Task.CompletedTask;
}
