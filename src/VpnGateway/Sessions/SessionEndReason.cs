namespace VpnGateway.Sessions;

/// <summary>Why a session ended.</summary>
public enum SessionEndReason
{
    /// <summary>The gateway is shutting down.</summary>
    Shutdown,

    /// <summary>Nothing was received for the idle timeout (the peer is gone: nothing is waited for).</summary>
    IdleTimeout,

    /// <summary>The peer ended it (an Ending or Close control message).</summary>
    ClosedByPeer,

    /// <summary>The session is no longer open on-chain (or was removed from the configuration).</summary>
    NoLongerAuthorized,

    /// <summary>This gateway ended it on purpose (<see cref="ISessionTerminator"/>: a client cut off for not paying, a disputed session).</summary>
    Terminated,

    /// <summary>An observer (metering) could not start with it: the session is ended rather than carried unobserved.</summary>
    StartFailed,
}
