namespace VpnGateway.Metering.Capture;

/// <summary>How a session's TUN interface is captured (section <c>Metering:Capture</c>).</summary>
public sealed class CaptureOptions
{
    /// <summary>
    /// Bytes kept per packet: enough for the IPv4 (60) or IPv6 (40 + extension headers) header and the TCP header
    /// (60), never the payload beyond them (default 128).
    /// </summary>
    public int SnapLength { get; set; } = 128;

    /// <summary>libpcap's kernel ring buffer per interface, bytes (default 8 MiB).</summary>
    public int BufferBytes { get; set; } = 8 << 20;

    /// <summary>
    /// How long libpcap may hold packets before handing over a block: captures are buffered (not immediate mode),
    /// so packets arrive in batches at most this late (default 100 ms). It is also how quickly the capture thread notices a stop.
    /// </summary>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The BPF filter; IP only (a TUN carries nothing else, an Ethernet test interface does).</summary>
    public string Filter { get; set; } = "ip or ip6";
}
