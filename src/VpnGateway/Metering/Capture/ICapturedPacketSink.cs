namespace VpnGateway.Metering.Capture;

/// <summary>Receives every captured packet (on the capture thread; the span is valid only during the call).</summary>
internal interface ICapturedPacketSink
{
    /// <summary>A packet that crossed the interface: its first <paramref name="captured"/> bytes, its full length, when.</summary>
    bool OnForwarded(ReadOnlySpan<byte> captured, int wireLength, long timestampMs);
}
