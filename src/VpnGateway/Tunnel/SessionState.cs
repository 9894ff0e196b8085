namespace VpnGateway.Tunnel;

/// <summary>Where a session is in its life (docs/protocol.md §4.8, session end).</summary>
internal enum SessionState
{
    /// <summary>Keys and control channel work, the observers are being told; no data yet.</summary>
    Starting,

    /// <summary>Data flows both ways.</summary>
    Running,

    /// <summary>Data stopped; the control channel stays up for the observers' last exchange (metering's last epoch), then Close.</summary>
    Ending,

    /// <summary>Torn down: keys gone, device removed.</summary>
    Ended,
}
