using System.Text.Json;
using Oracle.Core.Evidence;
using Oracle.Core.Policy;
using VpnGateway.Metering.Flows;

namespace VpnGateway.Metering.Client;

/// <summary>The outcome of <see cref="FlowLedger.Check"/>: agreement, or the first flow that disagreed and the client's view of it.</summary>
internal sealed record LedgerCheck(EpochRejectionReason? Reason, string Detail, string Observed)
{
    public static LedgerCheck Ok { get; } = new(null, "agreed", "{}");

    public static LedgerCheck Fail(EpochRejectionReason reason, FlowKey key, ulong claimedOctets, (ulong Packets, ulong Octets) seen)
    {
        var flow = $"{key.Direction} proto {key.Protocol} {IpNumber.ToIPAddress(key.Source, key.IpVersion == 6)}:{key.SourcePort} -> {IpNumber.ToIPAddress(key.Destination, key.IpVersion == 6)}:{key.DestinationPort}";
        var detail = reason == EpochRejectionReason.UnknownFlow
            ? $"the client never saw flow {flow} ({claimedOctets} octets claimed)"
            : $"flow {flow}: {claimedOctets} octets claimed, {seen.Octets} seen by the client";
        var observed = JsonSerializer.Serialize(new
        {
            flow,
            claimedOctets,
            seenPackets = seen.Packets,
            seenOctets = seen.Octets,
        });
        return new LedgerCheck(reason, detail, observed);
    }
}
