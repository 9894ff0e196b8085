namespace VpnGateway.Sessions;

/// <summary>
/// Learns of sessions starting and ending (metering registers one to start and stop its capture). Register with
/// dependency injection; every registered observer is called, one after another.
/// </summary>
public interface ISessionObserver
{
    /// <summary>
    /// Provider: asked before a handshake creates session <paramref name="sessionId"/> on this gateway; a non-null
    /// answer refuses it (the client gets NotPermitted with no session created). Metering refuses a session that
    /// already ended here: its evidence log and the client's cumulative vouchers must not start over.
    /// </summary>
    string? RefuseSession(ulong sessionId) => null;

    /// <summary>
    /// Provider: for a session that <see cref="RefuseSession"/> refuses (it ended here), whether it left nothing unpaid:
    /// a pinned link whose renewal is <c>settled</c> continues in a successor session only then (docs/protocol.md §4.4),
    /// so ending a session unpaid and starting the next one never buys free traffic. Metering answers from its spool.
    /// </summary>
    bool IsSettled(ulong sessionId) => true;

    /// <summary>
    /// The session's TUN interface is up and its first handshake completed; its traffic flows as soon as this returns,
    /// so an observer may start capturing before the first packet. An observer that throws, or does not return within
    /// 10 seconds, ends the session instead: it is never carried unobserved (unmetered).
    /// </summary>
    ValueTask OnSessionStartedAsync(GatewaySession session, CancellationToken cancellationToken);

    /// <summary>
    /// The session is ending: it no longer carries data (the TUN reader stopped, data from the peer is dropped), but
    /// its control channel still works both ways, so metering can send the last epoch and receive its voucher. The
    /// observer has until <paramref name="cancellationToken"/> is cancelled (<c>Tunnel:EndingSeconds</c>, or at once
    /// when the peer closes the session or is gone); the tunnel then sends Close and tears the session down.
    /// </summary>
    ValueTask OnSessionEndingAsync(GatewaySession session, SessionEndReason reason, CancellationToken cancellationToken);

    /// <summary>
    /// The session stopped carrying traffic; its TUN interface still exists until this returns (or 5 seconds pass),
    /// so a capture can drain. The control channel is already closed.
    /// </summary>
    ValueTask OnSessionEndedAsync(GatewaySession session, SessionEndReason reason, CancellationToken cancellationToken);
}
