using System.Buffers.Binary;

namespace Oracle.Core.Policy;

/// <summary>
/// The fields of an IP packet that a policy looks at: family, addresses, the upper-layer protocol (after IPv6
/// extension headers) and, for TCP and UDP packets that carry them, the ports. Parsed straight from the bytes
/// (<see cref="TryParse"/>), or rebuilt from a flow record (<see cref="Evidence.FlowRecord.ToPacketTuple"/>) so that
/// an oracle evaluates the record exactly as the gateway evaluated its packets.
/// </summary>
public readonly struct PacketTuple
{
    /// <summary>Creates a tuple.</summary>
    /// <param name="isIPv6">The family.</param>
    /// <param name="source">The source address, numbered as <see cref="IpNumber"/> (IPv4 in the IPv4-mapped form).</param>
    /// <param name="destination">The destination address, numbered the same way.</param>
    /// <param name="protocol">The upper-layer protocol number.</param>
    /// <param name="hasPorts">Whether the ports are known (see <see cref="HasPorts"/>).</param>
    /// <param name="sourcePort">The source port, or 0.</param>
    /// <param name="destinationPort">The destination port, or 0.</param>
    /// <exception cref="ArgumentException">An IPv4 address that is not IPv4-mapped.</exception>
    public PacketTuple(bool isIPv6, UInt128 source, UInt128 destination, byte protocol, bool hasPorts, ushort sourcePort, ushort destinationPort)
    {
        if (!isIPv6 && !(IpNumber.IsIPv4Mapped(source) && IpNumber.IsIPv4Mapped(destination)))
        {
            throw new ArgumentException("IPv4 addresses are numbered in the IPv4-mapped form (IpNumber.MapIPv4)", nameof(source));
        }

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

    private const byte Dccp = 33;
    private const byte Sctp = 132;
    private const byte UdpLite = 136;

    /// <summary>Whether the packet is IPv6.</summary>
    public bool IsIPv6 { get; }

    /// <summary>The source address (<see cref="IpNumber"/>: IPv4 mapped).</summary>
    public UInt128 Source { get; }

    /// <summary>The destination address (<see cref="IpNumber"/>: IPv4 mapped).</summary>
    public UInt128 Destination { get; }

    /// <summary>The upper-layer protocol number.</summary>
    public byte Protocol { get; }

    /// <summary>
    /// Whether the ports are known: a TCP or UDP packet that is not a later fragment (which always holds them) and whose
    /// ports are not both 0. A later fragment's flow record carries ports 0/0, so a packet from port 0 to port 0 (which
    /// reaches no socket) is evaluated without ports too: the record then says all the policy looked at.
    /// </summary>
    public bool HasPorts { get; }

    /// <summary>The source port, when <see cref="HasPorts"/>.</summary>
    public ushort SourcePort { get; }

    /// <summary>The destination port, when <see cref="HasPorts"/>.</summary>
    public ushort DestinationPort { get; }

    /// <summary>
    /// Parses an IPv4 or IPv6 packet starting at its IP header. Fails on anything that is not a well-formed IP header
    /// whose length fields fit in <paramref name="packet"/>, on an IPv6 extension header chain longer than
    /// <see cref="MaxExtensionHeaders"/> or cut short, and (RFC 7112) on a packet that is not a later fragment but does
    /// not hold its whole upper-layer header (TCP: its data offset, at least 20 bytes; UDP, UDP-Lite, ICMP, ICMPv6: 8;
    /// SCTP: 12; DCCP: its data offset, at least 12), so no such packet escapes port rules and metering can always read
    /// the flow record's fields from what the policy accepted.
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
            if (!laterFragment && !HoldsTransportHeader(protocol, packet[headerLength..totalLength]))
            {
                return false;
            }

            var source = IpNumber.MapIPv4(BinaryPrimitives.ReadUInt32BigEndian(packet[12..]));
            var destination = IpNumber.MapIPv4(BinaryPrimitives.ReadUInt32BigEndian(packet[16..]));
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

            if (!laterFragment && !HoldsTransportHeader(next, packet[offset..end]))
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

    // The transport header a packet that is not a later fragment must hold whole (RFC 7112), with the lengths metering
    // reads (docs/protocol.md §5.1): TCP and DCCP their data offset, UDP, UDP-Lite, ICMP and ICMPv6 8 bytes, SCTP 12.
    private static bool HoldsTransportHeader(byte protocol, ReadOnlySpan<byte> transport) => protocol switch
    {
        Tcp => transport.Length >= 20 && (transport[12] >> 4) >= 5 && (transport[12] >> 4) * 4 <= transport.Length,
        Udp or UdpLite or Icmp or IcmpV6 => transport.Length >= 8,
        Sctp => transport.Length >= 12,
        Dccp => transport.Length >= 12 && transport[4] >= 3 && transport[4] * 4 <= transport.Length,
        _ => true,
    };

    private static void ReadPorts(ReadOnlySpan<byte> payload, byte protocol, bool laterFragment, out bool hasPorts, out ushort sourcePort, out ushort destinationPort)
    {
        var readable = !laterFragment && protocol is Tcp or Udp && payload.Length >= 4;
        sourcePort = readable ? BinaryPrimitives.ReadUInt16BigEndian(payload) : (ushort)0;
        destinationPort = readable ? BinaryPrimitives.ReadUInt16BigEndian(payload[2..]) : (ushort)0;
        hasPorts = readable && (sourcePort | destinationPort) != 0;
    }
}
