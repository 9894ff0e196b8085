namespace VpnGateway.Sessions;

/// <summary>
/// Learns of sessions starting and ending (metering registers one to start and stop its capture). Register with
/// dependency injection; every registered observer is called, one after another.
/// </summary>
public interface ISessionObserver
{
    /// <summary>
    /// The session's TUN interface is up and its first handshake completed; its traffic flows as soon as this returns
    /// (or after 5 seconds, whichever comes first), so an observer may start capturing before the first packet.
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
