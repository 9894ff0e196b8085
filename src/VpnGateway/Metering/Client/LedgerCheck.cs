using System.Text.Json;
using Oracle.Core.Evidence;
using Oracle.Core.Policy;
using VpnGateway.Metering.Flows;

namespace VpnGateway.Metering.Client;

/// <summary>The outcome of <see cref="FlowLedger.Check"/>: agreement, or the first flow that disagreed and the client's view of it.</summary>
internal sealed record LedgerCheck(EpochRejectionReason? Reason, string Detail, string Observed)
{
    public static LedgerCheck Ok { get; } = new(null, "agreed", "{}");

    public static LedgerCheck Fail(EpochRejectionReason reason, FlowKey key, ulong claimedOctets, (ulong Packets, ulong Octets) seen, ulong excess = 0, ulong allowance = 0)
    {
        var flow = Describe(key);
        var detail = reason switch
        {
            EpochRejectionReason.UnknownFlow => $"the client never saw flow {flow} ({claimedOctets} octets claimed)",
            EpochRejectionReason.Unverifiable => $"the client's capture lost packets and it never saw the denied flow {flow}: it cannot vouch for it",
            _ => $"{excess} octets claimed beyond what the client saw exceed the session's allowance of {allowance} (most on flow {flow}: {claimedOctets} claimed, {seen.Octets} seen)",
        };
        var observed = JsonSerializer.Serialize(new
        {
            flow,
            claimedOctets,
            seenPackets = seen.Packets,
            seenOctets = seen.Octets,
            sessionExcessOctets = excess,
            sessionAllowanceOctets = allowance,
        });
        return new LedgerCheck(reason, detail, observed);
    }

    public static string Describe(FlowKey key)
        => $"{key.Direction} proto {key.Protocol} {IpNumber.ToIPAddress(key.Source, key.IpVersion == 6)}:{key.SourcePort} -> {IpNumber.ToIPAddress(key.Destination, key.IpVersion == 6)}:{key.DestinationPort}";
}
