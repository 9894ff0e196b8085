using Oracle.Core.Evidence;
using VpnGateway.Metering.Flows;

namespace VpnGateway.Metering.Client;

/// <summary>
/// The client's side of the agreement check: per flow (5-tuple and direction, whatever the verdict), the packets
/// and octets the client saw itself, against the octets the provider's accepted records claimed so far. Both are
/// cumulative over the session, so records cut at different moments on the two sides still compare.
/// </summary>
internal sealed class FlowLedger
{
    private readonly Dictionary<FlowKey, (ulong Packets, ulong Octets)> _seen = [];
    private readonly Dictionary<FlowKey, ulong> _claimed = [];

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
    /// Checks the provider's records of one epoch: every flow must have been seen by the client, and the provider's
    /// cumulative octets per flow may exceed the client's by at most <paramref name="tolerance"/> of them plus
    /// <paramref name="toleranceBytes"/>. On success the claims are kept; on failure nothing changes.
    /// </summary>
    /// <param name="records">The epoch's decoded records.</param>
    /// <param name="open">The client's own open flows (packets still being counted).</param>
    /// <param name="unverifiable">True when the client's capture lost packets: a flow it did not see is then not held against the provider.</param>
    public LedgerCheck Check(IReadOnlyList<FlowRecord> records, SessionFlowMeter open, double tolerance, ulong toleranceBytes, bool unverifiable)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(open);
        var claims = new Dictionary<FlowKey, ulong>();
        foreach (var record in records)
        {
            var key = FlowKey.Of(record).WithoutVerdict();
            claims[key] = (claims.TryGetValue(key, out var c) ? c : _claimed.GetValueOrDefault(key)) + record.Octets;
        }

        foreach (var (key, claimed) in claims)
        {
            _seen.TryGetValue(key, out var seen);
            if (open.TryGetOpen(key, out var entry))
            {
                seen = (seen.Packets + entry.Packets, seen.Octets + entry.Octets);
            }

            if (seen.Packets == 0)
            {
                if (unverifiable)
                {
                    continue;
                }

                return LedgerCheck.Fail(EpochRejectionReason.UnknownFlow, key, claimed, seen);
            }

            var allowed = (ulong)Math.Min(ulong.MaxValue, (seen.Octets * (1 + tolerance)) + toleranceBytes);
            if (claimed > allowed && !unverifiable)
            {
                return LedgerCheck.Fail(EpochRejectionReason.OctetsExceeded, key, claimed, seen);
            }
        }

        foreach (var (key, claimed) in claims)
        {
            _claimed[key] = claimed;
        }

        return LedgerCheck.Ok;
    }
}
