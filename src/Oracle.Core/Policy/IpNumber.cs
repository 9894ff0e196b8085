using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Oracle.Core.Policy;

/// <summary>
/// The one way Oracle holds an IP address as a number, everywhere (flow records, prefixes, packet tuples, prefix sets):
/// a 128-bit big-endian value, IPv6 as is and IPv4 in the IPv4-mapped form <c>::ffff:a.b.c.d</c> (RFC 4291 §2.5.5.2),
/// the form the flow record encoding carries on the wire (docs/protocol.md §5.1). The family is always carried beside
/// the number (an IPv6 packet from <c>::ffff:a.b.c.d</c> is still IPv6), so the two never mix; the low 32 bits of an
/// IPv4 number are the address itself, which the packet path compares as a <see cref="uint"/>.
/// </summary>
public static class IpNumber
{
    /// <summary>The upper 96 bits of every IPv4 number: <c>::ffff:0:0</c>.</summary>
    public static readonly UInt128 IPv4MappedPrefix = new(0, 0xFFFF_0000_0000);

    private static readonly UInt128 UpperMask = UInt128.MaxValue << 32;

    /// <summary>The number of the IPv4 address <paramref name="address"/> (given big-endian, as read from a header).</summary>
    public static UInt128 MapIPv4(uint address) => IPv4MappedPrefix | address;

    /// <summary>Whether <paramref name="value"/> is in the IPv4-mapped form (what every IPv4 number must be).</summary>
    public static bool IsIPv4Mapped(UInt128 value) => (value & UpperMask) == IPv4MappedPrefix;

    /// <summary>The number of a 4-byte (IPv4) or 16-byte (IPv6) network-order address.</summary>
    /// <exception cref="ArgumentException">Neither 4 nor 16 bytes.</exception>
    public static UInt128 Read(ReadOnlySpan<byte> address) => address.Length switch
    {
        4 => MapIPv4(BinaryPrimitives.ReadUInt32BigEndian(address)),
        16 => BinaryPrimitives.ReadUInt128BigEndian(address),
        _ => throw new ArgumentException("an IP address has 4 or 16 bytes", nameof(address)),
    };

    /// <summary>The number of <paramref name="address"/> (an IPv4 address mapped; an IPv4-mapped IPv6 address stays IPv6).</summary>
    public static UInt128 From(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written))
        {
            throw new ArgumentException("not an IPv4 or IPv6 address", nameof(address));
        }

        return Read(bytes[..written]);
    }

    /// <summary>Whether <paramref name="address"/> is IPv6 (the family that goes beside its number).</summary>
    public static bool IsIPv6(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.AddressFamily == AddressFamily.InterNetworkV6;
    }

    /// <summary>The <see cref="IPAddress"/> of a number: IPv4 when <paramref name="isIPv6"/> is false.</summary>
    /// <exception cref="ArgumentException">An IPv4 number that is not in the mapped form.</exception>
    public static IPAddress ToIPAddress(UInt128 value, bool isIPv6)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
        if (isIPv6)
        {
            return new IPAddress(bytes);
        }

        return IsIPv4Mapped(value)
            ? new IPAddress(bytes[12..])
            : throw new ArgumentException("an IPv4 number must be IPv4-mapped (::ffff:a.b.c.d)", nameof(value));
    }
}
