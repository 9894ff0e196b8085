using System.Runtime.InteropServices;
using Oracle.Core.Evidence;
using Oracle.Core.Policy;

namespace VpnGateway.Metering.Flows;

/// <summary>
/// The open flows of one session, keyed by <see cref="FlowKey"/>, closed into <see cref="FlowRecord"/>s by the
/// active and idle timeouts, a full table, or the end of the session. Observing a packet of a known flow allocates
/// nothing (the counters live in the dictionary's value slot).
/// </summary>
/// <remarks>Not thread-safe: the owner serializes packets, expiry and flushes (<see cref="SessionFlowMeter"/>).</remarks>
internal sealed class FlowTable
{
    private const byte FinOrRst = 0x01 | 0x04;

    private readonly Dictionary<FlowKey, FlowEntry> _flows;
    private readonly List<FlowKey> _scratch = [];
    private readonly List<FlowRecord> _evicted = [];
    private readonly long _activeMs;
    private readonly long _idleMs;
    private readonly int _maxFlows;

    public FlowTable(ulong sessionId, FlowTableOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxFlows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.IdleTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.ActiveTimeout, TimeSpan.Zero);
        SessionId = sessionId;
        _activeMs = (long)options.ActiveTimeout.TotalMilliseconds;
        _idleMs = (long)options.IdleTimeout.TotalMilliseconds;
        _maxFlows = options.MaxFlows;
        // Grown as flows come: an idle session costs a few hundred bytes, not a table sized for its busiest moment.
        _flows = [];
    }

    public ulong SessionId { get; }

    public int Count => _flows.Count;

    /// <summary>Flows closed early because the table was full.</summary>
    public long Evictions { get; private set; }

    /// <summary>Counts a packet.</summary>
    public void Observe(in PacketHeaders h, TrafficDirection direction, FlowVerdict verdict, uint ruleId, long timestampMs)
    {
        var key = FlowKey.Of(h, direction, verdict, ruleId);
        if (_flows.Count >= _maxFlows && !_flows.ContainsKey(key))
        {
            EvictOldest();
        }

        ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_flows, key, out var exists);
        if (!exists || (entry.Packets == 0 && entry.ExcludedPackets == 0))
        {
            // A new flow, or the first packet after its counters were checkpointed (ExportOpen): a new record begins.
            entry.FirstSeenMs = timestampMs;
            entry.LastSeenMs = timestampMs;
        }
        else if (timestampMs > entry.LastSeenMs)
        {
            entry.LastSeenMs = timestampMs;
        }
        else if (timestampMs < entry.FirstSeenMs)
        {
            // Packets of one flow may reach metering slightly out of order (denial sink vs capture thread).
            entry.FirstSeenMs = timestampMs;
        }

        entry.Packets += h.Packets;
        entry.Octets += h.Octets;
        entry.PayloadOctets += h.PayloadOctets;
        entry.TcpFlags |= h.TcpFlags;
    }

    /// <summary>
    /// Takes a packet the capture counted (or will count) as forwarded back out of the allowed flow: the policy denied it
    /// or the rate limit dropped it after the capture saw it (inbound on the provider). A denied packet is recorded as
    /// denied separately; a rate-limited one is recorded nowhere.
    /// </summary>
    public void Exclude(in PacketHeaders h, TrafficDirection direction, long timestampMs)
    {
        var key = FlowKey.Of(h, direction, FlowVerdict.Allowed, 0);
        ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_flows, key, out var exists);
        if (!exists)
        {
            entry.FirstSeenMs = timestampMs;
            entry.LastSeenMs = timestampMs;
        }

        entry.ExcludedPackets++;
        entry.ExcludedOctets += h.Octets;
        entry.ExcludedPayloadOctets += h.PayloadOctets;
    }

    /// <summary>Closes the flows whose idle or active timeout passed at <paramref name="nowMs"/>, and those evicted since the last call.</summary>
    /// <returns>The number of records added to <paramref name="closed"/>.</returns>
    public int Expire(long nowMs, List<FlowRecord> closed)
    {
        ArgumentNullException.ThrowIfNull(closed);
        var count = _evicted.Count;
        closed.AddRange(_evicted);
        _evicted.Clear();
        foreach (var (key, entry) in _flows)
        {
            if (nowMs - entry.LastSeenMs >= _idleMs || nowMs - entry.FirstSeenMs >= _activeMs)
            {
                _scratch.Add(key);
            }
        }

        foreach (var key in _scratch)
        {
            _flows.Remove(key, out var entry);
            var reason = nowMs - entry.LastSeenMs >= _idleMs
                ? ((entry.TcpFlags & FinOrRst) != 0 && key.Protocol == 6 ? FlowEndReason.EndOfFlow : FlowEndReason.IdleTimeout)
                : FlowEndReason.ActiveTimeout;
            count += AddRecord(key, entry, reason, closed);
        }

        _scratch.Clear();
        return count;
    }

    /// <summary>
    /// Checkpoints the counters of every open flow (IPFIX active timeout at the epoch): each flow with packets since its
    /// last record becomes a record (end reason <see cref="FlowEndReason.ActiveTimeout"/>) and counts from zero again, the
    /// flow itself staying open. So what a crash loses is at most the packets since the last epoch.
    /// </summary>
    /// <returns>The number of records added to <paramref name="closed"/>.</returns>
    public int ExportOpen(List<FlowRecord> closed)
    {
        ArgumentNullException.ThrowIfNull(closed);
        var count = 0;
        foreach (var key in _flows.Keys)
        {
            ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(_flows, key);
            if (entry.Packets <= entry.ExcludedPackets)
            {
                continue; // nothing forwarded since the last record (exclusions that overtook their packets stay)
            }

            count += AddRecord(key, entry, FlowEndReason.ActiveTimeout, closed);
            entry.Packets = 0;
            entry.Octets = 0;
            entry.PayloadOctets = 0;
            entry.TcpFlags = 0;
            entry.ExcludedPackets = 0;
            entry.ExcludedOctets = 0;
            entry.ExcludedPayloadOctets = 0;
        }

        return count;
    }

    /// <summary>Closes every open flow (session end, gateway stop) with <paramref name="reason"/>.</summary>
    public int Flush(FlowEndReason reason, List<FlowRecord> closed)
    {
        ArgumentNullException.ThrowIfNull(closed);
        var count = _evicted.Count;
        closed.AddRange(_evicted);
        _evicted.Clear();
        foreach (var (key, entry) in _flows)
        {
            count += AddRecord(key, entry, reason, closed);
        }

        _flows.Clear();
        return count;
    }

    /// <summary>The counters of the open flow <paramref name="key"/>, if open.</summary>
    public bool TryGetOpen(in FlowKey key, out FlowEntry entry) => _flows.TryGetValue(key, out entry);

    // A full table closes the least recently seen quarter (by time span) at once, so a flood of new flows costs one
    // scan per many evictions rather than one per packet.
    private void EvictOldest()
    {
        long oldest = long.MaxValue, newest = long.MinValue;
        foreach (var (_, entry) in _flows)
        {
            oldest = Math.Min(oldest, entry.LastSeenMs);
            newest = Math.Max(newest, entry.LastSeenMs);
        }

        var cutoff = oldest + ((newest - oldest) / 4);
        foreach (var (key, entry) in _flows)
        {
            if (entry.LastSeenMs <= cutoff)
            {
                _scratch.Add(key);
            }
        }

        foreach (var key in _scratch)
        {
            _flows.Remove(key, out var entry);
            AddRecord(key, entry, FlowEndReason.LackOfResources, _evicted);
        }

        Evictions += _scratch.Count;
        _scratch.Clear();
    }

    // A flow whose every counted packet was later denied leaves no allowed record (it was never forwarded).
    private int AddRecord(in FlowKey key, in FlowEntry entry, FlowEndReason reason, List<FlowRecord> closed)
    {
        if (entry.Packets <= entry.ExcludedPackets)
        {
            return 0;
        }

        var kept = entry;
        kept.Packets -= entry.ExcludedPackets;
        kept.Octets -= Math.Min(entry.ExcludedOctets, entry.Octets);
        kept.PayloadOctets -= Math.Min(entry.ExcludedPayloadOctets, entry.PayloadOctets);
        closed.Add(ToRecord(key, kept, reason));
        return 1;
    }

    private FlowRecord ToRecord(in FlowKey key, in FlowEntry entry, FlowEndReason reason) => new(
        SessionId,
        key.Verdict,
        key.RuleId,
        key.Direction,
        key.IpVersion,
        key.Protocol,
        key.Protocol == 6 ? entry.TcpFlags : (byte)0,
        reason,
        key.Source,
        key.Destination,
        key.SourcePort,
        key.DestinationPort,
        entry.FirstSeenMs,
        entry.LastSeenMs,
        entry.Packets,
        entry.Octets,
        entry.PayloadOctets);
}
