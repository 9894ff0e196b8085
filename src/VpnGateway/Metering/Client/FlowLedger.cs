using Oracle.Core.Evidence;
using Oracle.Core.Policy;
using VpnGateway.Metering.Flows;

namespace VpnGateway.Metering.Client;

/// <summary>
/// The client's side of the agreement check (docs/protocol.md §5.3): per flow (5-tuple and direction, whatever the
/// verdict), the packets and octets the client saw itself, against what the provider's accepted records claimed so far.
/// Both are cumulative over the session, so records cut at different moments on the two sides still compare.
/// </summary>
/// <remarks>
/// One allowance per session, not per flow: the octets the provider claims beyond what the client saw, summed over every
/// flow (<c>Σ max(0, claimed − seen)</c>, flows the client never saw counting whole), may not exceed
/// <c>fraction × everything the client saw + fixed bytes + lost packets × 65,535</c>, where lost packets are those the
/// client's own capture dropped. So the worst a provider can bill beyond the truth over a whole session is that bound.
/// Which records the client cannot have seen and which it must have seen:
/// <list type="bullet">
/// <item>a denied inbound record: the provider dropped the packet before encrypting it, so the client never could; its
/// verdict is checked against the policy (elsewhere) and it is neither billed nor evidence against the client;</item>
/// <item>an allowed inbound flow the client never saw: lost inside the tunnel (the provider counted it before sending):
/// it counts whole against the allowance;</item>
/// <item>an outbound flow the client never saw: its own packets, all captured before they were encrypted, so the provider
/// invented it (UnknownFlow, a dispute) — unless the client's capture lost packets: an allowed one then counts against the
/// allowance, a denied one is a record the client cannot vouch for (Unverifiable: it signs nothing, disputes nothing).</item>
/// </list>
/// </remarks>
internal sealed class FlowLedger
{
    /// <summary>The most bytes one lost capture packet can stand for (an IP packet, or a segmentation-offload super-packet).</summary>
    public const ulong BytesPerLostPacket = 65_535;

    private readonly Dictionary<FlowKey, (ulong Packets, ulong Octets)> _seen = [];
    private readonly Dictionary<FlowKey, (ulong Claimed, ulong Excess)> _claimed = [];
    private ulong _excess;

    /// <summary>Octets claimed beyond what the client saw, over the session so far.</summary>
    public ulong Excess => _excess;

    /// <summary>Adds flows the client's own meter closed.</summary>
    public void AddSeen(List<FlowRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        foreach (var record in records)
        {
            var key = FlowKey.Of(record).WithoutVerdict();
            _seen.TryGetValue(key, out var seen);
            _seen[key] = (seen.Packets + record.Packets, seen.Octets + record.Octets);
        }
    }

    /// <summary>
    /// Checks the provider's records of one epoch against the client's own metering. On success the claims are kept; on
    /// failure nothing changes.
    /// </summary>
    /// <param name="records">The epoch's decoded records.</param>
    /// <param name="open">The client's own flow meter (its open flows are counted as seen, and its total is the base of the allowance).</param>
    /// <param name="tolerance">The allowance's fraction of what the client saw.</param>
    /// <param name="toleranceBytes">The allowance's fixed part, per session.</param>
    /// <param name="lostPackets">Packets the client's capture lost so far (each may stand for up to <see cref="BytesPerLostPacket"/>).</param>
    public LedgerCheck Check(IReadOnlyList<FlowRecord> records, SessionFlowMeter open, double tolerance, ulong toleranceBytes, ulong lostPackets)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(open);
        var claims = new Dictionary<FlowKey, (ulong Claimed, bool Denied)>();
        foreach (var record in records)
        {
            if (record.Verdict == FlowVerdict.Denied && record.Direction == TrafficDirection.Inbound)
            {
                continue; // dropped before the tunnel: no client could have seen it (issue 10, item 1)
            }

            var key = FlowKey.Of(record).WithoutVerdict();
            (ulong Claimed, bool Denied) before = claims.TryGetValue(key, out var c) ? c : (_claimed.GetValueOrDefault(key).Claimed, false);
            claims[key] = (before.Claimed + record.Octets, before.Denied || record.Verdict == FlowVerdict.Denied);
        }

        var excess = _excess;
        var updated = new List<(FlowKey Key, ulong Claimed, ulong Excess)>(claims.Count);
        (FlowKey Key, ulong Claimed, (ulong Packets, ulong Octets) Seen, ulong Excess)? worst = null;
        foreach (var (key, (claimed, denied)) in claims)
        {
            var seen = Seen(key, open);
            if (seen.Packets == 0 && key.Direction == TrafficDirection.Outbound)
            {
                if (lostPackets == 0)
                {
                    return LedgerCheck.Fail(EpochRejectionReason.UnknownFlow, key, claimed, seen);
                }

                if (denied)
                {
                    return LedgerCheck.Fail(EpochRejectionReason.Unverifiable, key, claimed, seen);
                }
            }

            var flowExcess = claimed > seen.Octets ? claimed - seen.Octets : 0;
            excess = excess - _claimed.GetValueOrDefault(key).Excess + flowExcess;
            updated.Add((key, claimed, flowExcess));
            if (flowExcess > 0 && (worst is null || flowExcess > worst.Value.Excess))
            {
                worst = (key, claimed, seen, flowExcess);
            }
        }

        var allowance = Allowance(open.ForwardedOctets, tolerance, toleranceBytes, lostPackets);
        if (excess > allowance)
        {
            var w = worst!.Value;
            return LedgerCheck.Fail(EpochRejectionReason.OctetsExceeded, w.Key, w.Claimed, w.Seen, excess, allowance);
        }

        foreach (var (key, claimed, flowExcess) in updated)
        {
            _claimed[key] = (claimed, flowExcess);
        }

        _excess = excess;
        return LedgerCheck.Ok;
    }

    /// <summary>The session's allowance: <c>fraction × seen + fixed + lost × 65,535</c>, saturating.</summary>
    public static ulong Allowance(ulong seenOctets, double tolerance, ulong toleranceBytes, ulong lostPackets)
    {
        var proportional = Math.Min(ulong.MaxValue / 2, (ulong)(seenOctets * Math.Max(0, tolerance)));
        var lost = lostPackets > (ulong.MaxValue / 4) / BytesPerLostPacket ? ulong.MaxValue / 4 : lostPackets * BytesPerLostPacket;
        return Math.Min(ulong.MaxValue, proportional + Math.Min(toleranceBytes, ulong.MaxValue / 8) + lost);
    }

    private (ulong Packets, ulong Octets) Seen(FlowKey key, SessionFlowMeter open)
    {
        _seen.TryGetValue(key, out var seen);
        if (open.TryGetOpen(key, out var entry))
        {
            seen = (seen.Packets + entry.Packets, seen.Octets + entry.Octets);
        }

        return seen;
    }
}
