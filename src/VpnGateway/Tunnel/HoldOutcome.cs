namespace VpnGateway.Tunnel;

/// <summary>What became of a packet offered to a session that was not running (<see cref="TunnelSession.TryHold"/>).</summary>
internal enum HoldOutcome
{
    /// <summary>Held until the session runs (or dropped with it if its start fails).</summary>
    Held,

    /// <summary>The session is starting but its queue is full: the caller drops and counts the packet.</summary>
    Full,

    /// <summary>The session runs now (it started meanwhile): the caller carries the packet as usual.</summary>
    Running,

    /// <summary>The session is ending or ended: the caller drops the packet.</summary>
    NotStarting,
}
