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
    /// The session stopped carrying traffic; its TUN interface still exists until this returns (or 5 seconds pass),
    /// so a capture can drain. The control channel is already closed.
    /// </summary>
    ValueTask OnSessionEndedAsync(GatewaySession session, SessionEndReason reason, CancellationToken cancellationToken);
}
