namespace VpnGateway.Metering.Flows;

/// <summary>What metering reads from one IP packet's headers (a plain value: the parser fills it without allocating).</summary>
internal struct PacketHeaders
{
    public byte IpVersion;
    public byte Protocol;
    public byte TcpFlags;
    public UInt128 Source;
    public UInt128 Destination;
    public ushort SourcePort;
    public ushort DestinationPort;

    /// <summary>IP-layer bytes of the packet (its length on the wire, not what was captured).</summary>
    public uint Octets;

    /// <summary>Bytes after the transport header.</summary>
    public uint PayloadOctets;

    /// <summary>Packets this stands for: 1, or the segments a TCP super-packet is carried as.</summary>
    public uint Packets;
}
