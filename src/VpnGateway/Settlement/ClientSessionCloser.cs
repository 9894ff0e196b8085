using Microsoft.Extensions.Logging;
using Nethereum.Util;
using Oracle.Chain;
using Oracle.Chain.Errors;
using Oracle.Chain.Model;
using Oracle.Chain.Transactions;
using VpnGateway.Metering.Spool;

namespace VpnGateway.Settlement;

/// <summary>
/// The client's side of settlement: when <c>connect</c> disconnects from an on-chain session it carried, the session is
/// closed on-chain. The provider closes it cooperatively with the last voucher (it ends on the provider too); if it has
/// not within <see cref="SettlementOptions.CooperativeCloseWait"/>, the client starts a unilateral close
/// (<c>startClose</c>), which the provider answers with its latest voucher, and finalizes it after the challenge window
/// (<c>finalizeClose</c>) — at once when the window ends within <see cref="SettlementOptions.FinalizeWait"/>, else at the next
/// start on the same spool (<see cref="FinishPendingAsync"/>). The spool records each step, so a restart continues it.
/// </summary>
internal sealed class ClientSessionCloser(EvidenceSpool spool, SettlementChain chain, SettlementOptions options, TimeProvider time, ILogger<ClientSessionCloser> logger)
{
    /// <summary>How long <c>connect</c> gives closing at its exit: the wait for the provider, two transactions and the finalize wait.</summary>
    public TimeSpan Bound => options.CooperativeCloseWait + options.FinalizeWait + TimeSpan.FromSeconds(60);

    /// <summary>The session ended on this client: close it on-chain (when it is an on-chain session this client carried).</summary>
    public async Task CloseAsync(ulong sessionId, CancellationToken cancellationToken)
    {
        if (spool.Settlement(sessionId) is not { Role: SettlementRole.Client, OnChain: true, Closed: false })
        {
            return; // never metered here as an on-chain session (a pinned link, or it never connected), or already closed
        }

        spool.MarkSettlementEnded(sessionId);
        await FinishAsync(sessionId, waitForProvider: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>At start: finishes the closes an earlier run left (finalizes those whose challenge window is over).</summary>
    public async Task FinishPendingAsync(CancellationToken cancellationToken)
    {
        foreach (var entry in spool.OpenSettlements(SettlementRole.Client, time.GetUtcNow().ToUnixTimeMilliseconds()))
        {
            if (entry.Ended)
            {
                await FinishAsync(entry.SessionId, waitForProvider: false, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task FinishAsync(ulong sessionId, bool waitForProvider, CancellationToken cancellationToken)
    {
        try
        {
            await FinishCoreAsync(sessionId, waitForProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException && (ChainErrors.IsUnavailable(e) || ChainErrors.IsTransient(e)
            || e is TransactionRejectedException or TimeoutException or InvalidDataException))
        {
            logger.LogWarning("session {Session}: closing it on-chain failed ({Message}); the next connect on this spool tries again (or `oracle session start-close`)", sessionId, e.Message);
            spool.FailSettlement(sessionId, e.Message, 0);
        }
    }

    private async Task FinishCoreAsync(ulong sessionId, bool waitForProvider, CancellationToken cancellationToken)
    {
        var found = await chain.FindAsync(sessionId, cancellationToken).ConfigureAwait(false);
        if (found is not { } f || !AddressUtil.Current.AreAddressesTheSame(f.Record.Terms.Client, chain.Account))
        {
            spool.DropSettlement(sessionId, found is null ? "not opened in the SessionManager" : $"its client is {found.Value.Record.Terms.Client}, not {chain.Account}");
            return;
        }

        var record = f.Record;
        var state = f.State;
        var deadline = time.GetUtcNow() + options.CooperativeCloseWait;
        while (waitForProvider && (SessionStatus)state.Status == SessionStatus.Open && time.GetUtcNow() < deadline)
        {
            // The provider closes the session as its own ending finishes: that pays the last voucher and refunds the rest.
            await Task.Delay(TimeSpan.FromMilliseconds(500), time, cancellationToken).ConfigureAwait(false);
            state = (await chain.FindAsync(sessionId, cancellationToken).ConfigureAwait(false))!.Value.State;
        }

        if ((SessionStatus)state.Status == SessionStatus.Open)
        {
            logger.LogInformation("session {Session}: the provider has not closed it; starting a unilateral close (the provider may answer with its latest voucher)", sessionId);
            spool.BeginSettlementTransaction(sessionId, "start-close", state.Paid, time.GetUtcNow().ToUnixTimeMilliseconds());
            var started = await chain.StartCloseAsync(record, cancellationToken).ConfigureAwait(false);
            if (!started.IsSuccess && !started.Error.Is<Oracle.Chain.Contracts.SessionWrongStatusError>())
            {
                logger.LogWarning("session {Session}: startClose reverted: {Error}", sessionId, started.Error);
                spool.FailSettlement(sessionId, $"start-close reverted: {started.Error}", 0);
                return;
            }

            state = (await chain.FindAsync(sessionId, cancellationToken).ConfigureAwait(false))!.Value.State;
            spool.RecordChainState(sessionId, state.Paid, (SessionStatus)state.Status == SessionStatus.Closed, started.TransactionHash);
        }

        if ((SessionStatus)state.Status == SessionStatus.Closing)
        {
            var closesAt = DateTimeOffset.FromUnixTimeSeconds((long)state.CloseDeadline);
            var wait = closesAt - Now(await chain.NowAsync(cancellationToken).ConfigureAwait(false));
            if (wait > options.FinalizeWait)
            {
                logger.LogInformation("session {Session}: closing; the provider may answer until {Deadline:u}; the next connect on this spool finalizes it after that (or `oracle session finalize-close {Session}`)",
                    sessionId, closesAt, sessionId);
                spool.PostponeSettlement(sessionId, closesAt.ToUnixTimeMilliseconds());
                return;
            }

            // Wait out the window on this clock (a quiet chain's latest block does not move), then finalize; a node whose
            // clock is behind refuses it (SessionChallengeWindowOpen) for a moment more.
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait + TimeSpan.FromSeconds(1), time, cancellationToken).ConfigureAwait(false);
            }

            var giveUp = time.GetUtcNow() + options.FinalizeWait + TimeSpan.FromSeconds(5);
            while (true)
            {
                state = (await chain.FindAsync(sessionId, cancellationToken).ConfigureAwait(false))!.Value.State;
                if ((SessionStatus)state.Status != SessionStatus.Closing)
                {
                    break;
                }

                if (state.OpenDisputes != 0)
                {
                    logger.LogInformation("session {Session}: a dispute is open; the close is finalized once it is ruled", sessionId);
                    spool.PostponeSettlement(sessionId, time.GetUtcNow().Add(options.MaxRetryDelay).ToUnixTimeMilliseconds());
                    return;
                }

                spool.BeginSettlementTransaction(sessionId, "finalize", state.Paid, time.GetUtcNow().ToUnixTimeMilliseconds());
                var finalized = await chain.FinalizeCloseAsync(record, cancellationToken).ConfigureAwait(false);
                if (finalized.IsSuccess || finalized.Error.Is<Oracle.Chain.Contracts.SessionWrongStatusError>())
                {
                    state = (await chain.FindAsync(sessionId, cancellationToken).ConfigureAwait(false))!.Value.State;
                    spool.RecordChainState(sessionId, state.Paid, (SessionStatus)state.Status == SessionStatus.Closed, finalized.TransactionHash);
                    break;
                }

                if (!finalized.Error.Is<Oracle.Chain.Contracts.SessionChallengeWindowOpenError>() || time.GetUtcNow() > giveUp)
                {
                    logger.LogWarning("session {Session}: finalizeClose reverted: {Error}", sessionId, finalized.Error);
                    spool.FailSettlement(sessionId, $"finalize reverted: {finalized.Error}", closesAt.ToUnixTimeMilliseconds());
                    return;
                }

                await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken).ConfigureAwait(false);
            }
        }

        if ((SessionStatus)state.Status == SessionStatus.Closed)
        {
            var paid = await chain.PaidInAllAsync(sessionId, state, cancellationToken).ConfigureAwait(false) ?? state.Paid;
            spool.RecordChainState(sessionId, paid, closed: true, transactionHash: null);
            logger.LogInformation("session {Session} is closed on-chain: the provider was paid {Paid} of the deposit {Deposit}, the rest came back (less {Penalized} of penalties)",
                sessionId, paid, record.Terms.Deposit, state.Penalized);
        }
    }

    // The later of the chain's latest block and this clock: a quiet local chain mines no block to move its time.
    private DateTimeOffset Now(ulong chainSeconds)
    {
        var chainNow = DateTimeOffset.FromUnixTimeSeconds((long)chainSeconds);
        var local = time.GetUtcNow();
        return chainNow > local ? chainNow : local;
    }
}
