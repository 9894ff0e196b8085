using Oracle.Core.Evidence;
using Oracle.Core.Policy;

namespace VpnGateway.Metering.Flows;

/// <summary>What makes two packets the same flow record: the 5-tuple, IP version, direction and verdict (with rule).</summary>
internal readonly record struct FlowKey(
    UInt128 Source,
    UInt128 Destination,
    ushort SourcePort,
    ushort DestinationPort,
    byte Protocol,
    byte IpVersion,
    TrafficDirection Direction,
    FlowVerdict Verdict,
    uint RuleId)
{
    public static FlowKey Of(in PacketHeaders h, TrafficDirection direction, FlowVerdict verdict, uint ruleId)
        => new(h.Source, h.Destination, h.SourcePort, h.DestinationPort, h.Protocol, h.IpVersion, direction, verdict, ruleId);

    public static FlowKey Of(in FlowRecord r)
        => new(r.SourceAddress, r.DestinationAddress, r.SourcePort, r.DestinationPort, r.Protocol, r.IpVersion, r.Direction, r.Verdict, r.RuleId);

    /// <summary>The same flow without its verdict: how the client matches the provider's records to its own traffic.</summary>
    public FlowKey WithoutVerdict() => this with { Verdict = FlowVerdict.Allowed, RuleId = 0 };
}
