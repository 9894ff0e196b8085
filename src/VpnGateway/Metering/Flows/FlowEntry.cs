namespace VpnGateway.Metering.Flows;

/// <summary>The counters of one open flow.</summary>
internal struct FlowEntry
{
    public long FirstSeenMs;
    public long LastSeenMs;
    public ulong Packets;
    public ulong Octets;
    public ulong PayloadOctets;
    public byte TcpFlags;

    /// <summary>Packets counted above that the policy then denied or rate-limited (captured before the policy saw them).</summary>
    public ulong ExcludedPackets;
    public ulong ExcludedOctets;
    public ulong ExcludedPayloadOctets;
}
