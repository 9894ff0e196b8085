using VpnGateway.Crypto;

namespace VpnGateway.Tunnel;

/// <summary>Data-path settings shared by both ends.</summary>
internal sealed class TunnelOptions
{
    /// <summary>The smallest tunnel MTU: the smallest datagram every IPv4 host accepts (RFC 791).</summary>
    public const int MinimumMtu = 576;

    /// <summary>The smallest MTU of a link that carries IPv6 (RFC 8200 §5): the kernel turns IPv6 off on a device below it.</summary>
    public const int MinimumIPv6Mtu = 1280;

    /// <summary>
    /// The tunnel MTU (inner packets). 1420 fits an IPv6 underlay with 1500-byte frames. A provider's is the session's
    /// (its response carries it); a client's is the largest it accepts.
    /// </summary>
    public int Mtu { get; set; } = 1420;

    /// <summary>The preferred transport cipher.</summary>
    public CipherSuite Suite { get; set; } = CipherSuite.Aes256Gcm;

    /// <summary>Packets per TUN read batch (a 64 KB TCP segment splits into about 46).</summary>
    public int TunBatch { get; set; } = 128;

    /// <summary>64 KB receive buffers per recvmmsg call.</summary>
    public int ReceiveMessages { get; set; } = 8;

    public TunnelTimings Timings { get; set; } = new();

    /// <summary>How often timers run.</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromMilliseconds(100);
}
