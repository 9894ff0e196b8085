using Oracle.Core.Policy;

namespace VpnGateway.Policy;

/// <summary>Passes every denial to all registered sinks (metrics, metering).</summary>
internal sealed class CompositeDenialSink(IReadOnlyList<IPolicyDenialSink> sinks) : IPolicyDenialSink
{
    public void OnDenied(ulong sessionId, ReadOnlySpan<byte> ipPacket, uint ruleId, TrafficDirection direction, long unixTimeMilliseconds)
    {
        foreach (var sink in sinks)
        {
            sink.OnDenied(sessionId, ipPacket, ruleId, direction, unixTimeMilliseconds);
        }
    }
}
