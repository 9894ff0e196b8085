using Oracle.Core.Evidence;
using Oracle.Core.Policy;

namespace OracleNode.Judging;

/// <summary>
/// <c>evaluate(r)</c> of docs/protocol.md §8.3: the session policy's rules and default applied to a flow record's packet
/// tuple, without the provider guard (its protected networks are the provider's own declaration), with Core's
/// reference <see cref="PolicyEvaluator"/>.
/// </summary>
internal static class RecordPolicy
{
    /// <summary>The policy's decision for the packets of <paramref name="record"/>.</summary>
    public static PolicyDecision Evaluate(in FlowRecord record, PolicyDocument policy)
    {
        var isIPv6 = record.IpVersion == 6;
        var ports = record.Protocol is PacketTuple.Tcp or PacketTuple.Udp && (record.SourcePort != 0 || record.DestinationPort != 0);
        var tuple = new PacketTuple(isIPv6, Number(record.SourceAddress, isIPv6), Number(record.DestinationAddress, isIPv6), record.Protocol, ports,
            ports ? record.SourcePort : (ushort)0, ports ? record.DestinationPort : (ushort)0);
        return PolicyEvaluator.Evaluate(policy, PolicyContext.Empty, tuple, record.Direction);
    }

    // The policy numbers IPv4 addresses in their low 32 bits; records carry them IPv4-mapped.
    private static UInt128 Number(UInt128 address, bool isIPv6) => isIPv6 ? address : address & uint.MaxValue;
}
