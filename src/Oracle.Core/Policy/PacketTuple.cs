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

    /// <summary>The most IPv6 extension headers read before the upper-layer header; a longer chain is malformed.</summary>
    public const int MaxExtensionHeaders = 8;

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

    /// <summary>Whether the ports are known: a TCP or UDP packet that is not a later fragment (which always holds them).</summary>
    public bool HasPorts { get; }

    /// <summary>The source port, when <see cref="HasPorts"/>.</summary>
    public ushort SourcePort { get; }

    /// <summary>The destination port, when <see cref="HasPorts"/>.</summary>
    public ushort DestinationPort { get; }

    /// <summary>
    /// Parses an IPv4 or IPv6 packet starting at its IP header. Fails on anything that is not a well-formed IP header
    /// whose length fields fit in <paramref name="packet"/>, on an IPv6 extension header chain longer than
    /// <see cref="MaxExtensionHeaders"/> or cut short, and (RFC 7112) on a packet that is not a later fragment but does
    /// not hold its whole TCP (20 bytes), UDP, ICMP or ICMPv6 (8 bytes) header, so no such packet escapes port rules.
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
            if (!laterFragment && !HoldsTransportHeader(protocol, totalLength - headerLength))
            {
                return false;
            }

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
            for (var count = 0; IsExtensionHeader(next); count++)
            {
                // RFC 7112: the whole header chain is in the packet (its first fragment); a longer chain than the
                // limit, or one cut short, is malformed rather than read as carrying no ports.
                if (count == MaxExtensionHeaders || offset + 8 > end)
                {
                    return false;
                }

                var header = next;
                int length = header switch
                {
                    44 => 8,
                    51 => (packet[offset + 1] + 2) * 4,
                    _ => (packet[offset + 1] + 1) * 8,
                };
                var later = header == 44 && (BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 2)..]) & 0xFFF8) != 0;
                next = packet[offset];
                offset += length;
                if (offset > end)
                {
                    return false;
                }

                if (later)
                {
                    // A later fragment: what follows is the middle of the payload, not headers.
                    laterFragment = true;
                    break;
                }
            }

            if (!laterFragment && !HoldsTransportHeader(next, end - offset))
            {
                return false;
            }

            var source = BinaryPrimitives.ReadUInt128BigEndian(packet[8..]);
            var destination = BinaryPrimitives.ReadUInt128BigEndian(packet[24..]);
            ReadPorts(packet[offset..end], next, laterFragment, out var hasPorts, out var sp, out var dp);
            tuple = new PacketTuple(true, source, destination, next, hasPorts, sp, dp);
            return true;
        }

        return false;
    }

    // Hop-by-hop, routing, fragment, AH, destination options, mobility, HIP, shim6 (the set metering walks too).
    private static bool IsExtensionHeader(byte next) => next is 0 or 43 or 44 or 51 or 60 or 135 or 139 or 140;

    // The fixed transport header a packet that is not a later fragment must hold whole: TCP 20 bytes, UDP and ICMP 8.
    private static bool HoldsTransportHeader(byte protocol, int length) => protocol switch
    {
        Tcp => length >= 20,
        Udp or Icmp or IcmpV6 => length >= 8,
        _ => true,
    };

    private static void ReadPorts(ReadOnlySpan<byte> payload, byte protocol, bool laterFragment, out bool hasPorts, out ushort sourcePort, out ushort destinationPort)
    {
        hasPorts = !laterFragment && protocol is Tcp or Udp && payload.Length >= 4;
        sourcePort = hasPorts ? BinaryPrimitives.ReadUInt16BigEndian(payload) : (ushort)0;
        destinationPort = hasPorts ? BinaryPrimitives.ReadUInt16BigEndian(payload[2..]) : (ushort)0;
    }
}
