using System.Buffers.Binary;

namespace VpnGateway.Tun;

/// <summary>
/// Splits a TCP super-packet that the kernel handed over with a GSO virtio-net header into MTU-sized segments, as
/// the kernel's own TSO would (sequence numbers, IPv4 ids, FIN/PSH only on the last, CWR only on the first), with
/// complete checksums. Also completes the checksum of a single packet marked NEEDS_CSUM.
/// </summary>
internal static class TcpSegmenter
{
    private const byte Fin = 0x01;
    private const byte Psh = 0x08;
    private const byte Cwr = 0x80;

    /// <summary>
    /// Describes a super-packet: where headers end and how big each segment's payload is. Returns false for packets
    /// this splitter does not handle (not TCP, IPv6 extension headers, inconsistent lengths); those are dropped.
    /// </summary>
    public static bool TryPlan(ReadOnlySpan<byte> packet, int checksumStart, int gsoSize, out int headersLength, out int segments)
    {
        headersLength = 0;
        segments = 0;
        if (packet.Length < 40 || gsoSize <= 0)
        {
            return false;
        }

        var version = packet[0] >> 4;
        if (version == 4)
        {
            if ((packet[0] & 0x0F) * 4 != checksumStart || packet[9] != 6)
            {
                return false;
            }
        }
        else if (version != 6 || checksumStart != 40 || packet[6] != 6)
        {
            return false;
        }

        if (packet.Length < checksumStart + 20)
        {
            return false;
        }

        var tcpHeader = (packet[checksumStart + 12] >> 4) * 4;
        headersLength = checksumStart + tcpHeader;
        if (tcpHeader < 20 || headersLength > packet.Length)
        {
            return false;
        }

        var payload = packet.Length - headersLength;
        segments = payload == 0 ? 1 : (payload + gsoSize - 1) / gsoSize;
        return true;
    }

    /// <summary>Writes segment <paramref name="index"/> of <paramref name="packet"/> into <paramref name="destination"/>.</summary>
    /// <returns>The segment's length.</returns>
    public static int WriteSegment(ReadOnlySpan<byte> packet, int headersLength, int checksumStart, int gsoSize, int index, int segments, Span<byte> destination)
    {
        var payloadStart = headersLength + (index * gsoSize);
        var payloadLength = Math.Min(gsoSize, packet.Length - payloadStart);
        if (payloadLength < 0)
        {
            payloadLength = 0;
        }

        var length = headersLength + payloadLength;
        packet[..headersLength].CopyTo(destination);
        packet.Slice(payloadStart, payloadLength).CopyTo(destination[headersLength..]);
        var segment = destination[..length];
        var isIPv4 = (segment[0] >> 4) == 4;
        if (isIPv4)
        {
            BinaryPrimitives.WriteUInt16BigEndian(segment[2..], (ushort)length);
            var id = BinaryPrimitives.ReadUInt16BigEndian(packet[4..]);
            BinaryPrimitives.WriteUInt16BigEndian(segment[4..], (ushort)(id + index));
            Checksum.SetIPv4HeaderChecksum(segment, checksumStart);
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(segment[4..], (ushort)(length - 40));
        }

        var tcp = segment[checksumStart..];
        var sequence = BinaryPrimitives.ReadUInt32BigEndian(packet[(checksumStart + 4)..]);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], unchecked(sequence + (uint)(index * gsoSize)));
        if (index != segments - 1)
        {
            tcp[13] &= unchecked((byte)~(Fin | Psh));
        }

        if (index != 0)
        {
            tcp[13] &= unchecked((byte)~Cwr);
        }

        tcp[16] = 0;
        tcp[17] = 0;
        var sum = Checksum.PseudoHeader(segment, 6, tcp.Length);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], Checksum.Finish(Checksum.Add(tcp, sum)));
        return length;
    }

    /// <summary>
    /// Completes a partial checksum (NEEDS_CSUM): the field at <paramref name="checksumStart"/> +
    /// <paramref name="checksumOffset"/> holds the pseudo-header sum; the sum from <paramref name="checksumStart"/> to the
    /// end is folded in.
    /// </summary>
    public static bool CompleteChecksum(Span<byte> packet, int checksumStart, int checksumOffset)
    {
        if (checksumStart < 20 || checksumStart + checksumOffset + 2 > packet.Length)
        {
            return false;
        }

        var region = packet[checksumStart..];
        var value = Checksum.Finish(Checksum.Add(region));
        if (value == 0 && checksumOffset == 6)
        {
            value = 0xFFFF; // UDP transmits a computed zero as all ones
        }

        BinaryPrimitives.WriteUInt16BigEndian(region[checksumOffset..], value);
        return true;
    }
}
