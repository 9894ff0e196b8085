using Oracle.Core.Policy;

namespace VpnGateway.Policy;

/// <summary>Passes every rate-limited packet to all registered sinks (metering).</summary>
internal sealed class CompositeRateLimitSink(IReadOnlyList<IPolicyRateLimitSink> sinks) : IPolicyRateLimitSink
{
    public void OnRateLimited(ulong sessionId, ReadOnlySpan<byte> ipPacket, TrafficDirection direction, long unixTimeMilliseconds)
    {
        foreach (var sink in sinks)
        {
            sink.OnRateLimited(sessionId, ipPacket, direction, unixTimeMilliseconds);
        }
    }
}
