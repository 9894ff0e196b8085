using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace VpnGateway.Tun;

/// <summary>The Internet checksum (RFC 1071), summed eight bytes at a time.</summary>
internal static class Checksum
{
    /// <summary>Adds the 16-bit big-endian words of <paramref name="data"/> to <paramref name="sum"/> (not folded).</summary>
    public static ulong Add(ReadOnlySpan<byte> data, ulong sum = 0)
    {
        // Sum little-endian 32-bit halves of 64-bit reads: the one's-complement sum is byte-order independent up to a
        // final byte swap, which Fold does after folding.
        ulong acc = 0;
        var longs = MemoryMarshal.Cast<byte, ulong>(data);
        var i = 0;
        for (; i + 4 <= longs.Length; i += 4)
        {
            var a = longs[i];
            var b = longs[i + 1];
            var c = longs[i + 2];
            var d = longs[i + 3];
            acc += (a & 0xFFFFFFFF) + (a >> 32) + (b & 0xFFFFFFFF) + (b >> 32) + (c & 0xFFFFFFFF) + (c >> 32) + (d & 0xFFFFFFFF) + (d >> 32);
        }

        for (; i < longs.Length; i++)
        {
            acc += (longs[i] & 0xFFFFFFFF) + (longs[i] >> 32);
        }

        var rest = data[(longs.Length * 8)..];
        if (rest.Length >= 4)
        {
            acc += MemoryMarshal.Read<uint>(rest);
            rest = rest[4..];
        }

        if (rest.Length >= 2)
        {
            acc += MemoryMarshal.Read<ushort>(rest);
            rest = rest[2..];
        }

        if (rest.Length == 1)
        {
            acc += rest[0];
        }

        var folded = FoldTo16(acc);
        return sum + BinaryPrimitives.ReverseEndianness(folded);
    }

    /// <summary>The pseudo-header sum of TCP or UDP over IPv4 or IPv6 (<paramref name="ipPacket"/> starts at the IP header).</summary>
    public static ulong PseudoHeader(ReadOnlySpan<byte> ipPacket, byte protocol, int upperLength)
    {
        var sum = (ulong)protocol + (ulong)upperLength;
        return (ipPacket[0] >> 4) == 4 ? Add(ipPacket.Slice(12, 8), sum) : Add(ipPacket.Slice(8, 32), sum);
    }

    /// <summary>Folds <paramref name="sum"/> to 16 bits.</summary>
    public static ushort Fold(ulong sum) => FoldTo16(sum);

    /// <summary>The checksum field value: the complement of the folded sum.</summary>
    public static ushort Finish(ulong sum) => (ushort)~FoldTo16(sum);

    /// <summary>Recomputes the IPv4 header checksum in place.</summary>
    public static void SetIPv4HeaderChecksum(Span<byte> packet, int headerLength)
    {
        packet[10] = 0;
        packet[11] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(packet[10..], Finish(Add(packet[..headerLength])));
    }

    private static ushort FoldTo16(ulong sum)
    {
        sum = (sum & 0xFFFFFFFF) + (sum >> 32);
        sum = (sum & 0xFFFFFFFF) + (sum >> 32);
        sum = (sum & 0xFFFF) + (sum >> 16);
        sum = (sum & 0xFFFF) + (sum >> 16);
        sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)sum;
    }
}
