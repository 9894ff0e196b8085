namespace VpnGateway.Metering.Capture;

/// <summary>What a capture has seen and lost since it opened (libpcap's counters, widened to 64 bits).</summary>
/// <param name="Received">Packets libpcap received (<c>ps_recv</c>).</param>
/// <param name="Dropped">Packets the kernel dropped because the capture buffer was full (<c>ps_drop</c>): missing from the evidence.</param>
/// <param name="InterfaceDropped">Packets the interface itself dropped (<c>ps_ifdrop</c>).</param>
/// <param name="Processed">Packets handed to metering.</param>
internal readonly record struct CaptureStatistics(ulong Received, ulong Dropped, ulong InterfaceDropped, ulong Processed);
