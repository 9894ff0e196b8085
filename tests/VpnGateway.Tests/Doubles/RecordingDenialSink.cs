using System.Collections.Concurrent;
using Oracle.Core.Policy;

namespace VpnGateway.Tests.Doubles;

internal sealed class RecordingDenialSink : IPolicyDenialSink
{
    public ConcurrentQueue<(ulong Session, byte[] Packet, uint Rule, TrafficDirection Direction, long Time)> Denials { get; } = new();

    public void OnDenied(ulong sessionId, ReadOnlySpan<byte> ipPacket, uint ruleId, TrafficDirection direction, long unixTimeMilliseconds)
        => Denials.Enqueue((sessionId, ipPacket.ToArray(), ruleId, direction, unixTimeMilliseconds));
}
