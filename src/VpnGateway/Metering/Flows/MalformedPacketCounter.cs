namespace VpnGateway.Metering.Flows;

/// <summary>
/// Parses captured packets and counts the ones that do not parse, by reason (not IP, truncated, bad header), for a
/// session's meter and for the shared device's capture alike; the sweep reports what was counted since its last pass.
/// Thread-safe: the capture thread parses while the sweep reports.
/// </summary>
internal sealed class MalformedPacketCounter
{
    private long _notIp;
    private long _truncated;
    private long _badHeader;
    private long _reportedNotIp;
    private long _reportedTruncated;
    private long _reportedBadHeader;

    /// <summary>Packets that did not parse so far, by reason.</summary>
    public (long NotIp, long Truncated, long BadHeader) Totals => (Interlocked.Read(ref _notIp), Interlocked.Read(ref _truncated), Interlocked.Read(ref _badHeader));

    /// <summary>Parses <paramref name="captured"/> (the first bytes of a packet of <paramref name="wireLength"/>); counts it when it does not parse.</summary>
    /// <returns>Whether it parsed.</returns>
    public bool TryParse(ReadOnlySpan<byte> captured, int wireLength, out PacketHeaders headers)
    {
        switch (PacketParser.Parse(captured, wireLength, out headers))
        {
            case PacketParseResult.Ok:
                return true;
            case PacketParseResult.NotIp:
                Interlocked.Increment(ref _notIp);
                return false;
            case PacketParseResult.Truncated:
                Interlocked.Increment(ref _truncated);
                return false;
            default:
                Interlocked.Increment(ref _badHeader);
                return false;
        }
    }

    /// <summary>Adds the packets counted since the last call to <paramref name="metrics"/>, by reason. One caller at a time (the sweep).</summary>
    public void ReportTo(MeteringMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        Report(metrics, "NotIp", Interlocked.Read(ref _notIp), ref _reportedNotIp);
        Report(metrics, "Truncated", Interlocked.Read(ref _truncated), ref _reportedTruncated);
        Report(metrics, "BadHeader", Interlocked.Read(ref _badHeader), ref _reportedBadHeader);
    }

    private static void Report(MeteringMetrics metrics, string reason, long total, ref long reported)
    {
        if (total > reported)
        {
            metrics.Add(MeteringCounters.MalformedPackets, total - reported, reason);
            reported = total;
        }
    }
}
