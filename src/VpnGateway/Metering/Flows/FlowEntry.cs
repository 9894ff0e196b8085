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
}
