namespace VpnGateway.Tunnel;

/// <summary>Key lifetimes and timers (docs/protocol.md §4.6); the defaults are WireGuard's.</summary>
public sealed class TunnelTimings
{
    /// <summary>The initiator starts a new handshake when the current keys are this old.</summary>
    public TimeSpan RekeyAfterTime { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Keys older than this are never used again.</summary>
    public TimeSpan RejectAfterTime { get; set; } = TimeSpan.FromSeconds(180);

    /// <summary>The initiator starts a new handshake after this many messages on one keypair (either direction).</summary>
    public ulong RekeyAfterMessages { get; set; } = 1UL << 40;

    /// <summary>A keypair is never used for more messages than this.</summary>
    public ulong RejectAfterMessages { get; set; } = ulong.MaxValue - 8192;

    /// <summary>How long to wait for a handshake response before sending a new initiation.</summary>
    public TimeSpan RekeyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Send a keepalive when data was received but nothing sent for this long.</summary>
    public TimeSpan KeepaliveTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The client sends a keepalive at least this often (keeps NAT mappings alive); zero: off.</summary>
    public TimeSpan PersistentKeepalive { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>The gateway ends a session that was silent this long.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromSeconds(180);

    /// <summary>
    /// How long an ending session keeps its control channel for the observers' last exchange (metering's last epoch and
    /// its voucher) before Close; a silent peer never holds a shutdown longer. Wall-clock time.
    /// </summary>
    public TimeSpan EndingTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
