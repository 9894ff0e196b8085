using System.Buffers.Binary;

namespace Oracle.Core.Policy;

/// <summary>
/// The fields of an IP packet that a policy looks at: family, addresses, the upper-layer protocol (after IPv6
/// extension headers) and, for TCP and UDP packets that carry them, the ports. Parsed straight from the bytes.
/// </summary>
public readonly struct PacketTuple
{
    /// <summary>Creates a tuple (addresses numbered as <see cref="IpPrefix.Network"/>).</summary>
    public PacketTuple(bool isIPv6, UInt128 source, UInt128 destination, byte protocol, bool hasPorts, ushort sourcePort, ushort destinationPort)
    {
        IsIPv6 = isIPv6;
        Source = source;
        Destination = destination;
        Protocol = protocol;
        HasPorts = hasPorts;
        SourcePort = sourcePort;
        DestinationPort = destinationPort;
    }

    /// <summary>Protocol number of TCP.</summary>
    public const byte Tcp = 6;

    /// <summary>Protocol number of UDP.</summary>
    public const byte Udp = 17;

    /// <summary>Protocol number of ICMP.</summary>
    public const byte Icmp = 1;

    /// <summary>Protocol number of ICMPv6.</summary>
    public const byte IcmpV6 = 58;

    /// <summary>Whether the packet is IPv6.</summary>
    public bool IsIPv6 { get; }

    /// <summary>The source address (IPv4 in the low 32 bits).</summary>
    public UInt128 Source { get; }

    /// <summary>The destination address (IPv4 in the low 32 bits).</summary>
    public UInt128 Destination { get; }

    /// <summary>The upper-layer protocol number.</summary>
    public byte Protocol { get; }

    /// <summary>Whether the ports are known: a TCP or UDP packet that is not a later fragment and holds the port fields.</summary>
    public bool HasPorts { get; }

    /// <summary>The source port, when <see cref="HasPorts"/>.</summary>
    public ushort SourcePort { get; }

    /// <summary>The destination port, when <see cref="HasPorts"/>.</summary>
    public ushort DestinationPort { get; }

    /// <summary>
    /// Parses an IPv4 or IPv6 packet starting at its IP header. Fails on anything that is not a well-formed IP header
    /// whose length fields fit in <paramref name="packet"/>.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out PacketTuple tuple)
    {
        tuple = default;
        if (packet.Length < 20)
        {
            return false;
        }

        var version = packet[0] >> 4;
        if (version == 4)
        {
            var headerLength = (packet[0] & 0x0F) * 4;
            int totalLength = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
            if (headerLength < 20 || totalLength < headerLength || totalLength > packet.Length)
            {
                return false;
            }

            var protocol = packet[9];
            var laterFragment = (BinaryPrimitives.ReadUInt16BigEndian(packet[6..]) & 0x1FFF) != 0;
            var source = BinaryPrimitives.ReadUInt32BigEndian(packet[12..]);
            var destination = BinaryPrimitives.ReadUInt32BigEndian(packet[16..]);
            ReadPorts(packet[headerLength..totalLength], protocol, laterFragment, out var hasPorts, out var sp, out var dp);
            tuple = new PacketTuple(false, source, destination, protocol, hasPorts, sp, dp);
            return true;
        }

        if (version == 6)
        {
            if (packet.Length < 40)
            {
                return false;
            }

            var end = 40 + BinaryPrimitives.ReadUInt16BigEndian(packet[4..]);
            if (end > packet.Length)
            {
                return false;
            }

            var next = packet[6];
            var offset = 40;
            var laterFragment = false;
            for (var i = 0; i < 8 && IsExtensionHeader(next); i++)
            {
                if (offset + 8 > end)
                {
                    return false;
                }

                int length = next switch
                {
                    44 => 8,
                    51 => (packet[offset + 1] + 2) * 4,
                    _ => (packet[offset + 1] + 1) * 8,
                };
                if (next == 44)
                {
                    laterFragment |= (BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 2)..]) & 0xFFF8) != 0;
                }

                next = packet[offset];
                offset += length;
                if (offset > end)
                {
                    return false;
                }
            }

            var source = BinaryPrimitives.ReadUInt128BigEndian(packet[8..]);
            var destination = BinaryPrimitives.ReadUInt128BigEndian(packet[24..]);
            ReadPorts(packet[offset..end], next, laterFragment, out var hasPorts, out var sp, out var dp);
            tuple = new PacketTuple(true, source, destination, next, hasPorts, sp, dp);
            return true;
        }

        return false;
    }

    private static bool IsExtensionHeader(byte next) => next is 0 or 43 or 44 or 51 or 60;

    private static void ReadPorts(ReadOnlySpan<byte> payload, byte protocol, bool laterFragment, out bool hasPorts, out ushort sourcePort, out ushort destinationPort)
    {
        hasPorts = !laterFragment && protocol is Tcp or Udp && payload.Length >= 4;
        sourcePort = hasPorts ? BinaryPrimitives.ReadUInt16BigEndian(payload) : (ushort)0;
        destinationPort = hasPorts ? BinaryPrimitives.ReadUInt16BigEndian(payload[2..]) : (ushort)0;
    }
}
