namespace VpnGateway.Sessions;

/// <summary>Why a session ended.</summary>
public enum SessionEndReason
{
    /// <summary>The gateway is shutting down.</summary>
    Shutdown,

    /// <summary>Nothing was received for the idle timeout.</summary>
    IdleTimeout,

    /// <summary>The peer sent a Close control message.</summary>
    ClosedByPeer,

    /// <summary>The session is no longer open on-chain (or was removed from the configuration).</summary>
    NoLongerAuthorized,
}
