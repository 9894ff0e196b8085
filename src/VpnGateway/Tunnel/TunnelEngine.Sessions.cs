using System.Text;
using Microsoft.Extensions.Logging;
using VpnGateway.Control;
using VpnGateway.Sessions;

namespace VpnGateway.Tunnel;

/// <summary>
/// A session's life: registered (keys and control channel work), started (observers told, data flows), ending (data
/// stopped; the control channel stays up for the observers' last exchange, bounded), ended (Close, keys gone, device
/// removed). docs/protocol.md §4.8 describes Ending and Close on the wire.
/// </summary>
internal abstract partial class TunnelEngine
{
    private const int MaxReasonBytes = 1024;
    private static readonly TimeSpan ObserverTimeout = TimeSpan.FromSeconds(5);

    // Starting may read the session's terms from the chain: a slow RPC endpoint gets longer than the other steps.
    private static readonly TimeSpan ObserverStartTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan CloseAckTimeout = TimeSpan.FromSeconds(1);

    /// <inheritdoc/>
    public bool Terminate(ulong sessionId, string reason, bool refuseReconnection)
    {
        ArgumentNullException.ThrowIfNull(reason);
        if (FindSession(sessionId) is not { } session || session.State >= SessionState.Ending)
        {
            return false;
        }

        if (refuseReconnection)
        {
            RefuseReconnection(session, reason);
        }

        Logger.LogWarning("session {Session}: terminating it: {Reason}", sessionId, reason);
        _ = Task.Run(() => EndSessionAsync(session, SessionEndReason.Terminated, reason), CancellationToken.None);
        return true;
    }

    /// <summary>
    /// Registers a session (<see cref="SessionState.Starting"/>): keepalives, control retransmissions and the Close and
    /// Ending messages work from now on; data is held (bounded, <see cref="StartQueue"/>) until <see cref="StartSessionAsync"/>
    /// lets it flow.
    /// </summary>
    protected void RegisterSession(TunnelSession session)
    {
        var control = session.Control!;
        control.Subscribe(ControlMessageTypes.Close, (message, _) => OnPeerCloseAsync(session, message.Payload));
        control.Subscribe(ControlMessageTypes.Ending, (message, _) => OnPeerEndingAsync(session, message.Payload));
        _sessions[session.SessionId] = session;
        Interlocked.Increment(ref _sessionCount);
        foreach (var prefix in session.RoutedPrefixes)
        {
            Routes.Add(prefix, session);
        }

        session.ControlDispatcher = Task.Run(() => control.RunDispatcherAsync(session.Stopping.Token), CancellationToken.None);
    }

    /// <summary>
    /// What a session needs outside the engine before its data may flow (the provider: its routes and firewall entries);
    /// a failure ends the session like an observer's.
    /// </summary>
    protected virtual Task PrepareSessionAsync(TunnelSession session, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The session's data flows from now on (the provider tells the client; the client starts its device).</summary>
    protected virtual void OnSessionRunning(TunnelSession session)
    {
    }

    /// <summary>Data of the ending <paramref name="session"/> stops: what the role must stop besides the engine's check.</summary>
    protected virtual Task OnDataStoppingAsync(TunnelSession session) => Task.CompletedTask;

    /// <summary>Gives back what <see cref="PrepareSessionAsync"/> took (routes, firewall entries, the client's device).</summary>
    protected virtual Task ReleaseSessionAsync(TunnelSession session) => Task.CompletedTask;

    /// <summary>
    /// Prepares the session's network and tells the observers (metering starts, which may read the chain), then opens
    /// the data path (<see cref="SessionState.Running"/>), carrying first what was held meanwhile. Runs in the background
    /// of the handshake that created the session: the keys work at once, data is held until this completes.
    /// </summary>
    protected async Task StartSessionAsync(TunnelSession session, GatewaySession info)
    {
        session.Info = info;
        string? failure = null;
        try
        {
            try
            {
                await PrepareSessionAsync(session, StoppingToken).WaitAsync(ObserverStartTimeout, StoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Logger.LogError("session {Session}: setting up its network failed: {Error}", session.SessionId, e.Message);
                failure = e is TimeoutException ? $"setting up its network did not complete within {ObserverStartTimeout.TotalSeconds:0} s" : e.Message;
            }

            foreach (var observer in failure is null ? Services.Observers : [])
            {
                failure = await CallObserverAsync(() => observer.OnSessionStartedAsync(info, StoppingToken), "start", ObserverStartTimeout).ConfigureAwait(false);
                if (failure is not null)
                {
                    break;
                }
            }
        }
        finally
        {
            session.ObserversStarted.TrySetResult();
        }

        if (failure is not null)
        {
            // Never carried unobserved (unmetered): the session ends and the peer learns why.
            Logger.LogWarning("session {Session}: not started: {Failure}", session.SessionId, failure);
            _ = Task.Run(() => EndSessionAsync(session, SessionEndReason.StartFailed, $"the session could not start: {failure}"), CancellationToken.None);
            return;
        }

        if (!RunSession(session))
        {
            return; // it started ending while the observers were told (what it held is dropped as it ends)
        }

        OnSessionRunning(session);
    }

    /// <summary>
    /// Ends a session: data stops, the peer is told (Ending), the observers get their last exchange (bounded by
    /// <see cref="TunnelTimings.EndingTimeout"/>), Close, then keys, control channel and device go. Completes when the
    /// session is gone, also when another caller started the ending.
    /// </summary>
    /// <param name="session">The session.</param>
    /// <param name="reason">Why.</param>
    /// <param name="detail">Why in words (sent to the peer).</param>
    /// <param name="peerInitiated">The peer asked (its Ending or Close): it is not told again.</param>
    protected async Task EndSessionAsync(TunnelSession session, SessionEndReason reason, string detail, bool peerInitiated = false)
    {
        if (!session.TryBeginEnding(reason, detail))
        {
            await session.Completion.Task.ConfigureAwait(false);
            return;
        }

        try
        {
            await EndAsync(session, reason, detail, peerInitiated).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Logger.LogError(e, "session {Session}: ending it failed", session.SessionId);
        }
        finally
        {
            session.Completion.TrySetResult();
        }
    }

    private async Task EndAsync(TunnelSession session, SessionEndReason reason, string detail, bool peerInitiated)
    {
        var timings = Options.Timings;
        var started = TimeProvider.System.GetTimestamp();
        Logger.LogInformation("session {Session} ending ({Reason}: {Detail})", session.SessionId, reason, detail);

        // 1. Data stops both ways: the workers drop the session's packets from now on, and the batches in progress are
        // written or sent.
        await OnDataStoppingAsync(session).ConfigureAwait(false);
        await WaitForBatchesAsync().ConfigureAwait(false);
        DiscardHeld(session);

        // 2. The peer learns why and stops its data too (not when it asked, nor when it is gone).
        var peerGone = reason == SessionEndReason.IdleTimeout;
        var control = session.Control!;
        if (!peerInitiated && !peerGone)
        {
            _ = control.SendAsync(ControlMessageTypes.Ending, Reason(detail), CancellationToken.None);
        }

        // 3. The observers' last exchange (metering: the last epoch and its voucher), while the control channel works.
        if (session.Info is { } info)
        {
            await WaitQuietly(session.ObserversStarted.Task).ConfigureAwait(false);
            using var bound = new CancellationTokenSource(peerGone ? TimeSpan.Zero : timings.EndingTimeout);
            using var ending = CancellationTokenSource.CreateLinkedTokenSource(bound.Token, session.PeerClosed.Token);
            foreach (var observer in Services.Observers)
            {
                await CallObserverAsync(() => observer.OnSessionEndingAsync(info, reason, ending.Token), "ending", timings.EndingTimeout + ObserverTimeout).ConfigureAwait(false);
            }
        }

        // 4. Close. The provider closes; a client waits for the provider's Close (the provider may still be sending its
        // last epoch), and closes itself only if none comes within the ending time.
        if (!peerGone && !session.PeerClosed.IsCancellationRequested)
        {
            if (Role == GatewayRole.Client)
            {
                var left = timings.EndingTimeout + CloseAckTimeout - TimeProvider.System.GetElapsedTime(started);
                await WaitCancelledAsync(session.PeerClosed.Token, left).ConfigureAwait(false);
            }

            if (!session.PeerClosed.IsCancellationRequested)
            {
                var closing = control.SendAsync(ControlMessageTypes.Close, Reason(detail), CancellationToken.None).AsTask();
                await WaitQuietly(closing, CloseAckTimeout).ConfigureAwait(false);
            }
        }

        // 5. Teardown.
        session.MarkEnded();
        if (_sessions.TryRemove(new KeyValuePair<ulong, TunnelSession>(session.SessionId, session)))
        {
            Interlocked.Decrement(ref _sessionCount);
        }

        foreach (var prefix in session.RoutedPrefixes)
        {
            Routes.Remove(prefix, session);
        }

        foreach (var keypair in session.ClearKeys())
        {
            RetireKeypair(keypair);
        }

        control.Dispose();
        await session.Stopping.CancelAsync().ConfigureAwait(false);
        await WaitQuietly(session.ControlDispatcher).ConfigureAwait(false);
        if (session.Info is { } ended)
        {
            foreach (var observer in Services.Observers)
            {
                await CallObserverAsync(() => observer.OnSessionEndedAsync(ended, reason, CancellationToken.None), "end", ObserverTimeout).ConfigureAwait(false);
            }
        }

        try
        {
            await ReleaseSessionAsync(session).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Logger.LogWarning("session {Session}: releasing its network failed: {Error}", session.SessionId, e.Message);
        }

        Interlocked.Add(ref _retiredRxBytes, session.RxBytes);
        Interlocked.Add(ref _retiredTxBytes, session.TxBytes);
        Interlocked.Add(ref _retiredRxPackets, session.RxPackets);
        Interlocked.Add(ref _retiredTxPackets, session.TxPackets);
        Logger.LogInformation("session {Session} ended ({Reason}: {Detail}): rx {RxBytes} bytes / {RxPackets} packets, tx {TxBytes} bytes / {TxPackets} packets",
            session.SessionId, reason, detail, session.RxBytes, session.RxPackets, session.TxBytes, session.TxPackets);
        OnSessionRemoved(session);
        session.Dispose();
    }

    private ValueTask OnPeerCloseAsync(TunnelSession session, ReadOnlyMemory<byte> payload)
    {
        var reason = ReadReason(payload);
        Logger.LogInformation("session {Session}: the peer closed it ({Reason})", session.SessionId, reason);
        if (!session.PeerClosed.IsCancellationRequested)
        {
            session.PeerClosed.Cancel();
        }

        // Not awaited: the ending waits for this dispatcher to finish.
        _ = Task.Run(() => EndSessionAsync(session, SessionEndReason.ClosedByPeer, $"closed by the peer: {reason}", peerInitiated: true), CancellationToken.None);
        return ValueTask.CompletedTask;
    }

    private ValueTask OnPeerEndingAsync(TunnelSession session, ReadOnlyMemory<byte> payload)
    {
        var reason = ReadReason(payload);
        Logger.LogInformation("session {Session}: the peer is ending it ({Reason})", session.SessionId, reason);
        _ = Task.Run(() => EndSessionAsync(session, SessionEndReason.ClosedByPeer, $"ended by the peer: {reason}", peerInitiated: true), CancellationToken.None);
        return ValueTask.CompletedTask;
    }

    /// <returns>Null when the observer completed in time, else what went wrong (one line, fit for the peer).</returns>
    private async Task<string?> CallObserverAsync(Func<ValueTask> call, string what, TimeSpan timeout)
    {
        try
        {
            await call().AsTask().WaitAsync(timeout).ConfigureAwait(false);
            return null;
        }
        catch (TimeoutException)
        {
            Logger.LogError("session observer did not complete the session {What} within {Timeout} s", what, timeout.TotalSeconds);
            return $"the session {what} did not complete within {timeout.TotalSeconds:0} s";
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Logger.LogError(e, "session observer failed at session {What}", what);
            return e.Message;
        }
    }

    private static async Task WaitCancelledAsync(CancellationToken token, TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero || token.IsCancellationRequested)
        {
            return;
        }

        try
        {
            await Task.Delay(timeout, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task WaitQuietly(Task? task, TimeSpan timeout)
    {
        if (task is null)
        {
            return;
        }

        try
        {
            await task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
        }
    }

    private static byte[] Reason(string detail)
    {
        var bytes = Encoding.UTF8.GetBytes(detail);
        return bytes.Length <= MaxReasonBytes ? bytes : bytes[..MaxReasonBytes];
    }

    private static string ReadReason(ReadOnlyMemory<byte> payload)
    {
        var text = Encoding.UTF8.GetString(payload.Span[..Math.Min(payload.Length, MaxReasonBytes)]);
        var clean = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            clean.Append(char.IsControl(c) ? ' ' : c);
        }

        return clean.ToString();
    }
}
