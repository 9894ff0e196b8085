using System.Buffers.Binary;
using Oracle.Core.Policy;

namespace VpnGateway.Metering.Flows;

/// <summary>
/// Reads the flow key, TCP flags and sizes straight from an IP packet's bytes (IPv4 with options and fragments, IPv6
/// with extension headers). Runs once per captured packet: spans only, no allocation.
/// </summary>
internal static class PacketParser
{
    // IPv6 extension headers walked before the transport header; more than this many is treated as truncated.
    private const int MaxExtensionHeaders = 8;

    /// <summary>Parses <paramref name="captured"/> (the first bytes of a packet of <paramref name="wireLength"/> bytes).</summary>
    public static PacketParseResult Parse(ReadOnlySpan<byte> captured, int wireLength, out PacketHeaders headers)
    {
        headers = default;
        headers.Packets = 1;
        if (captured.IsEmpty)
        {
            return PacketParseResult.Truncated;
        }

        if (wireLength < captured.Length)
        {
            wireLength = captured.Length;
        }

        return (captured[0] >> 4) switch
        {
            4 => ParseIPv4(captured, wireLength, ref headers),
            6 => ParseIPv6(captured, wireLength, ref headers),
            _ => PacketParseResult.NotIp,
        };
    }

    private static PacketParseResult ParseIPv4(ReadOnlySpan<byte> p, int wireLength, ref PacketHeaders h)
    {
        if (p.Length < 20)
        {
            return PacketParseResult.Truncated;
        }

        var headerLength = (p[0] & 0x0F) * 4;
        if (headerLength < 20 || wireLength < headerLength)
        {
            return PacketParseResult.BadHeader;
        }

        if (p.Length < headerLength)
        {
            return PacketParseResult.Truncated;
        }

        h.IpVersion = 4;
        h.Protocol = p[9];
        h.Source = IpNumber.MapIPv4(BinaryPrimitives.ReadUInt32BigEndian(p[12..]));
        h.Destination = IpNumber.MapIPv4(BinaryPrimitives.ReadUInt32BigEndian(p[16..]));
        h.Octets = (uint)wireLength;
        var fragmentOffset = BinaryPrimitives.ReadUInt16BigEndian(p[6..]) & 0x1FFF;
        if (fragmentOffset != 0)
        {
            // A later fragment carries no transport header: its bytes are all payload, its ports unknown (0).
            h.PayloadOctets = (uint)(wireLength - headerLength);
            return PacketParseResult.Ok;
        }

        return ParseTransport(p, headerLength, wireLength, ref h);
    }

    private static PacketParseResult ParseIPv6(ReadOnlySpan<byte> p, int wireLength, ref PacketHeaders h)
    {
        if (p.Length < 40)
        {
            return PacketParseResult.Truncated;
        }

        if (wireLength < 40)
        {
            return PacketParseResult.BadHeader;
        }

        h.IpVersion = 6;
        h.Source = BinaryPrimitives.ReadUInt128BigEndian(p[8..]);
        h.Destination = BinaryPrimitives.ReadUInt128BigEndian(p[24..]);
        h.Octets = (uint)wireLength;
        var next = p[6];
        var offset = 40;
        for (var i = 0; ; i++)
        {
            switch (next)
            {
                case 0 or 43 or 60 or 135 or 139 or 140:
                    // Hop-by-hop, routing, destination options, mobility, HIP, shim6: (length + 1) * 8 bytes.
                    if (i == MaxExtensionHeaders || p.Length < offset + 2)
                    {
                        return PacketParseResult.Truncated;
                    }

                    next = p[offset];
                    offset += (p[offset + 1] + 1) * 8;
                    break;
                case 51:
                    // Authentication header: (length + 2) * 4 bytes.
                    if (i == MaxExtensionHeaders || p.Length < offset + 2)
                    {
                        return PacketParseResult.Truncated;
                    }

                    next = p[offset];
                    offset += (p[offset + 1] + 2) * 4;
                    break;
                case 44:
                    // Fragment header: 8 bytes; a later fragment has no transport header.
                    if (i == MaxExtensionHeaders || p.Length < offset + 8)
                    {
                        return PacketParseResult.Truncated;
                    }

                    next = p[offset];
                    var later = (BinaryPrimitives.ReadUInt16BigEndian(p[(offset + 2)..]) & 0xFFF8) != 0;
                    offset += 8;
                    if (later)
                    {
                        if (offset > wireLength)
                        {
                            return PacketParseResult.BadHeader;
                        }

                        h.Protocol = next;
                        h.PayloadOctets = (uint)(wireLength - offset);
                        return PacketParseResult.Ok;
                    }

                    break;
                default:
                    h.Protocol = next;
                    if (offset > wireLength)
                    {
                        return PacketParseResult.BadHeader;
                    }

                    return ParseTransport(p, offset, wireLength, ref h);
            }
        }
    }

    private static PacketParseResult ParseTransport(ReadOnlySpan<byte> p, int offset, int wireLength, ref PacketHeaders h)
    {
        int transportLength;
        switch (h.Protocol)
        {
            case 6:
                if (p.Length < offset + 14)
                {
                    return PacketParseResult.Truncated;
                }

                transportLength = (p[offset + 12] >> 4) * 4;
                if (transportLength < 20)
                {
                    return PacketParseResult.BadHeader;
                }

                h.TcpFlags = p[offset + 13];
                ReadPorts(p, offset, ref h);
                break;
            case 17 or 136 or 33 or 132:
                // UDP, UDP-Lite: 8-byte header. DCCP: ports only (its length varies; payload counted after 8 bytes
                // would be wrong, so after its data offset). SCTP: 12-byte common header.
                if (p.Length < offset + 4)
                {
                    return PacketParseResult.Truncated;
                }

                ReadPorts(p, offset, ref h);
                if (h.Protocol == 33)
                {
                    if (p.Length < offset + 5)
                    {
                        return PacketParseResult.Truncated;
                    }

                    transportLength = p[offset + 4] * 4;
                }
                else
                {
                    transportLength = h.Protocol == 132 ? 12 : 8;
                }

                break;
            case 1 or 58:
                if (p.Length < offset + 2)
                {
                    return PacketParseResult.Truncated;
                }

                h.DestinationPort = (ushort)((p[offset] << 8) | p[offset + 1]);
                transportLength = 8;
                break;
            default:
                transportLength = 0;
                break;
        }

        var headerBytes = offset + transportLength;
        if (headerBytes > wireLength)
        {
            return PacketParseResult.BadHeader;
        }

        h.PayloadOctets = (uint)(wireLength - headerBytes);
        return PacketParseResult.Ok;
    }

    private static void ReadPorts(ReadOnlySpan<byte> p, int offset, ref PacketHeaders h)
    {
        h.SourcePort = BinaryPrimitives.ReadUInt16BigEndian(p[offset..]);
        h.DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(p[(offset + 2)..]);
    }
}
