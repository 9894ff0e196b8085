namespace VpnGateway.Hosting;

/// <summary>Section <c>Tunnel</c>: the data path and key lifetimes.</summary>
internal sealed class TunnelSettings
{
    public int Mtu { get; set; } = 1420;

    /// <summary><c>aes-256-gcm</c> or <c>chacha20-poly1305</c>.</summary>
    public string Cipher { get; set; } = "aes-256-gcm";

    /// <summary>IFF_VNET_HDR with TSO/GRO on the TUN devices.</summary>
    public bool Offloads { get; set; } = true;

    public int RekeyAfterSeconds { get; set; } = 120;

    public ulong RekeyAfterMessages { get; set; } = 1UL << 40;

    public int KeepaliveSeconds { get; set; } = 10;

    public int PersistentKeepaliveSeconds { get; set; } = 25;

    public int SessionIdleSeconds { get; set; } = 180;

    /// <summary>Seconds to wait for a handshake response before trying again.</summary>
    public int RekeyTimeoutSeconds { get; set; } = 5;

    /// <summary>Seconds an ending session waits for metering's last exchange (last epoch and voucher) before Close.</summary>
    public double EndingSeconds { get; set; } = 5;
}
