using Oracle.Core.Policy;

namespace Oracle.ScaleBench;

/// <summary>The in-process clients enforce no policy of their own: nothing to report.</summary>
internal sealed class NoDenials : IPolicyDenialSink
{
    public void OnDenied(ulong sessionId, ReadOnlySpan<byte> ipPacket, uint ruleId, TrafficDirection direction, long unixTimeMilliseconds)
    {
    }
}
