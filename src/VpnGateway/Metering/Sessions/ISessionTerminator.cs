namespace VpnGateway.Metering.Sessions;

/// <summary>Ends a session's tunnel (the tunnel implements it): a client that stops paying is cut off.</summary>
public interface ISessionTerminator
{
    /// <summary>Tears the session's tunnel down, telling the peer <paramref name="reason"/>.</summary>
    ValueTask TerminateAsync(ulong sessionId, string reason, CancellationToken cancellationToken);
}
