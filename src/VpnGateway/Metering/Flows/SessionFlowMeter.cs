using Oracle.Core.Evidence;
using Oracle.Core.Policy;
using VpnGateway.Metering.Capture;

namespace VpnGateway.Metering.Flows;

/// <summary>
/// One session's flow table behind a lock, fed by the packet paths: the capture of the TUN device (packets that were
/// forwarded; on the provider's shared device, the packets of this session's addresses), the policy's denial sink (packets that were denied) and its rate-limit sink (packets
/// over the rate limit, dropped but no violation). Both may run on different
/// threads; each packet holds the lock only for a dictionary update.
/// </summary>
internal sealed class SessionFlowMeter : ICapturedPacketSink
{
    private readonly Lock _lock = new();
    private readonly FlowTable _table;
    private readonly PrefixSet _clientPrefixes;
    private readonly bool _capturesInboundBeforePolicy;
    private int _segmentMtu;
    private long _packets;
    private long _forwardedOctets;
    private readonly MalformedPacketCounter _malformed = new();
    private long _rateLimited;
    private long _reportedRateLimited;
    private long _reportedPackets;

    /// <param name="sessionId">The session.</param>
    /// <param name="clientPrefixes">
    /// The client side's prefixes (its tunnel address, or its LAN prefixes site-to-site): a packet towards them is
    /// inbound, any other outbound. Both gateways classify the same way, so a flow has the same direction in the
    /// provider's records and in the client's own.
    /// </param>
    /// <param name="options">Timeouts and table size.</param>
    /// <param name="segmentMtu">
    /// The captured interface's MTU, or 0. A TCP packet longer than it is a segmentation-offload super-packet, which the
    /// tunnel carries as MTU-sized segments: it is counted as those segments (docs/protocol.md §5.1).
    /// </param>
    /// <param name="capturesInboundBeforePolicy">
    /// The provider's capture sees inbound packets before the policy does (docs/gateway.md): a denied inbound packet was
    /// then counted as forwarded too, and is taken back out of the allowed flow.
    /// </param>
    public SessionFlowMeter(ulong sessionId, PrefixSet clientPrefixes, FlowTableOptions options, bool capturesInboundBeforePolicy = false, int segmentMtu = 0)
    {
        _segmentMtu = segmentMtu;
        _clientPrefixes = clientPrefixes ?? throw new ArgumentNullException(nameof(clientPrefixes));
        _table = new FlowTable(sessionId, options);
        _capturesInboundBeforePolicy = capturesInboundBeforePolicy;
    }

    public ulong SessionId => _table.SessionId;

    /// <summary>Packets counted into flows.</summary>
    public long Packets => Interlocked.Read(ref _packets);

    /// <summary>IP-layer octets of every forwarded packet counted so far (the capture's; denied ones aside).</summary>
    public ulong ForwardedOctets => (ulong)Interlocked.Read(ref _forwardedOctets);

    /// <summary>Adds the packets counted and the malformed ones since the last call to <paramref name="metrics"/>.</summary>
    public void ReportTo(MeteringMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        Report(metrics, MeteringCounters.Packets, null, Packets, ref _reportedPackets);
        _malformed.ReportTo(metrics);
        Report(metrics, MeteringCounters.RateLimitedPackets, null, Interlocked.Read(ref _rateLimited), ref _reportedRateLimited);
    }

    /// <summary>Packets the rate limit dropped so far.</summary>
    public long RateLimited => Interlocked.Read(ref _rateLimited);

    /// <summary>A forwarded packet seen by capture: <paramref name="captured"/> are its first bytes, <paramref name="wireLength"/> its length.</summary>
    /// <returns>Whether the packet was counted (malformed ones are counted separately and dropped).</returns>
    public bool OnForwarded(ReadOnlySpan<byte> captured, int wireLength, long timestampMs)
    {
        if (!_malformed.TryParse(captured, wireLength, out var headers))
        {
            return false;
        }

        OnCaptured(headers, timestampMs);
        return true;
    }

    /// <summary>A forwarded packet seen by a capture shared with other sessions, which parsed it and found it to be this session's.</summary>
    public void OnCaptured(PacketHeaders headers, long timestampMs)
    {
        var mtu = SegmentMtu;
        if (headers.Protocol == 6 && mtu > 0 && headers.Octets > mtu)
        {
            AsSegments(ref headers, mtu);
        }

        var direction = DirectionOf(headers);
        lock (_lock)
        {
            _table.Observe(headers, direction, FlowVerdict.Allowed, 0, timestampMs);
        }

        Interlocked.Increment(ref _packets);
        Interlocked.Add(ref _forwardedOctets, headers.Octets);
    }

    /// <summary>A packet the policy denied (and dropped) in the data path.</summary>
    public bool OnDenied(ReadOnlySpan<byte> packet, uint ruleId, TrafficDirection direction, long timestampMs)
    {
        if (!_malformed.TryParse(packet, packet.Length, out var headers))
        {
            return false;
        }

        lock (_lock)
        {
            _table.Observe(headers, direction, FlowVerdict.Denied, ruleId, timestampMs);
            if (_capturesInboundBeforePolicy && direction == TrafficDirection.Inbound)
            {
                _table.Exclude(headers, direction, timestampMs);
            }
        }

        Interlocked.Increment(ref _packets);
        return true;
    }

    /// <summary>
    /// A packet the rate limit dropped: no record of its own (it is no violation), but not carried either. The provider's
    /// capture saw an inbound one before the policy dropped it, so it is taken back out of its allowed flow: the records
    /// then hold what the client received, and both sides' counts agree. An outbound one was dropped before the
    /// provider's capture could see it, so nothing is to be taken out; the client saw it leave and is not billed for it.
    /// </summary>
    public bool OnRateLimited(ReadOnlySpan<byte> packet, TrafficDirection direction, long timestampMs)
    {
        if (!_malformed.TryParse(packet, packet.Length, out var headers))
        {
            return false;
        }

        Interlocked.Increment(ref _rateLimited);
        if (_capturesInboundBeforePolicy && direction == TrafficDirection.Inbound)
        {
            lock (_lock)
            {
                _table.Exclude(headers, direction, timestampMs);
            }
        }

        return true;
    }

    /// <summary>Closes the flows whose timeouts passed.</summary>
    public int Expire(long nowMs, List<FlowRecord> closed)
    {
        lock (_lock)
        {
            return _table.Expire(nowMs, closed);
        }
    }

    /// <summary>Checkpoints every open flow's counters into a record (<see cref="FlowTable.ExportOpen"/>).</summary>
    public int ExportOpen(List<FlowRecord> closed)
    {
        lock (_lock)
        {
            return _table.ExportOpen(closed);
        }
    }

    /// <summary>Closes every flow.</summary>
    public int Flush(FlowEndReason reason, List<FlowRecord> closed)
    {
        lock (_lock)
        {
            return _table.Flush(reason, closed);
        }
    }

    /// <summary>The counters of an open flow.</summary>
    public bool TryGetOpen(in FlowKey key, out FlowEntry entry)
    {
        lock (_lock)
        {
            return _table.TryGetOpen(key, out entry);
        }
    }

    /// <summary>The MTU of the captured interface (set when the capture opens it).</summary>
    public int SegmentMtu
    {
        get => Volatile.Read(ref _segmentMtu);
        set => Volatile.Write(ref _segmentMtu, value);
    }

    /// <summary>Inbound when the packet goes to the client side's prefixes, else outbound.</summary>
    internal TrafficDirection DirectionOf(in PacketHeaders h)
        => _clientPrefixes.Contains(h.IpVersion == 6, h.Destination) ? TrafficDirection.Inbound : TrafficDirection.Outbound;

    // segments = ceil(payload / (mtu - header)), each with its own copy of the IP and TCP headers.
    internal static void AsSegments(ref PacketHeaders h, int mtu)
    {
        var header = h.Octets - h.PayloadOctets;
        if (header >= mtu || h.PayloadOctets == 0)
        {
            return;
        }

        var perSegment = (uint)mtu - header;
        var segments = (h.PayloadOctets + perSegment - 1) / perSegment;
        h.Packets = segments;
        h.Octets = h.PayloadOctets + (segments * header);
    }

    private static void Report(MeteringMetrics metrics, string counter, string? reason, long total, ref long reported)
    {
        if (total > reported)
        {
            metrics.Add(counter, total - reported, reason);
            reported = total;
        }
    }
}
