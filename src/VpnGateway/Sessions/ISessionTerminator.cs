namespace VpnGateway.Sessions;

/// <summary>
/// Ends one session on this gateway on purpose (metering cuts off a client that stops paying; a client ends a session
/// whose evidence it disputes). The tunnel implements it: data stops, the peer is told why (Ending, then Close), the
/// observers are told (<see cref="ISessionObserver.OnSessionEndingAsync"/>, then
/// <see cref="ISessionObserver.OnSessionEndedAsync"/> with <see cref="SessionEndReason.Terminated"/>) and the session's
/// TUN device is removed.
/// </summary>
public interface ISessionTerminator
{
    /// <summary>
    /// Starts ending <paramref name="sessionId"/> and returns at once (the ending runs in the background, bounded by
    /// <c>Tunnel:EndingSeconds</c>), so it may be called from an observer or a control-message handler.
    /// </summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="reason">Why, in words: logged here and sent to the peer.</param>
    /// <param name="refuseReconnection">
    /// A provider refuses the session's handshakes from now on (until it restarts): a client cut off for not paying
    /// must not buy another grace period by reconnecting. False for faults that a reconnection may cure.
    /// </param>
    /// <returns>False when no such session runs here (never started, or already ending).</returns>
    bool Terminate(ulong sessionId, string reason, bool refuseReconnection);
}
