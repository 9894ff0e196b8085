using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Oracle.Core.Policy;

/// <summary>
/// An IPv4 or IPv6 prefix such as <c>198.18.0.0/15</c> or <c>fd00::/8</c>. The address is held as a 128-bit number
/// numbered as <see cref="IpNumber"/> does (IPv4 in the IPv4-mapped form); host bits are always zero, so equal prefixes
/// compare equal.
/// </summary>
public readonly record struct IpPrefix
{
    private IpPrefix(bool isIPv6, UInt128 network, byte length)
    {
        IsIPv6 = isIPv6;
        Network = network;
        Length = length;
    }

    /// <summary>Every IPv4 address.</summary>
    public static IpPrefix AnyIPv4 { get; } = new(false, IpNumber.IPv4MappedPrefix, 0);

    /// <summary>Every IPv6 address.</summary>
    public static IpPrefix AnyIPv6 { get; } = new(true, 0, 0);

    /// <summary>Whether this is an IPv6 prefix.</summary>
    public bool IsIPv6 { get; }

    /// <summary>The network address as a number (<see cref="IpNumber"/>: IPv4 mapped), host bits zero.</summary>
    public UInt128 Network { get; }

    /// <summary>The prefix length: 0–32 for IPv4, 0–128 for IPv6.</summary>
    public byte Length { get; }

    /// <summary>
    /// The mask of the prefix, in the same numbering as <see cref="Network"/> (an IPv4 prefix of length <c>n</c> masks
    /// the 96 bits of the mapped form and <c>n</c> more; its low 32 bits are the IPv4 netmask).
    /// </summary>
    public UInt128 Mask => MaskOf(IsIPv6, Length);

    /// <summary>Parses <c>address/length</c> (or a bare address, a host prefix) in canonical form: host bits must be zero.</summary>
    /// <returns>Whether it parsed; <paramref name="error"/> says why not.</returns>
    public static bool TryParse(string text, out IpPrefix prefix, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        prefix = default;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(addressText, out var address) || addressText.Contains('%', StringComparison.Ordinal)
            || (address.AddressFamily == AddressFamily.InterNetwork && addressText.Count(c => c == '.') != 3))
        {
            error = $"'{text}' is not an IP address or prefix";
            return false;
        }

        var isIPv6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        var max = isIPv6 ? 128 : 32;
        var length = max;
        if (slash >= 0)
        {
            var lengthText = text[(slash + 1)..];
            if (lengthText.Length is 0 or > 3 || !lengthText.All(char.IsAsciiDigit)
                || (lengthText.Length > 1 && lengthText[0] == '0')
                || !int.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out length) || length > max)
            {
                error = $"'{text}' has an invalid prefix length (0 to {max})";
                return false;
            }
        }

        var value = ToNumber(address);
        if ((value & ~MaskOf(isIPv6, length)) != 0)
        {
            error = $"'{text}' has host bits set; write the network address";
            return false;
        }

        prefix = new IpPrefix(isIPv6, value, (byte)length);
        error = null;
        return true;
    }

    /// <summary>Parses a prefix, throwing <see cref="FormatException"/> when it is not one.</summary>
    public static IpPrefix Parse(string text)
        => TryParse(text, out var prefix, out var error) ? prefix : throw new FormatException(error);

    /// <summary>The prefix that holds exactly <paramref name="address"/>.</summary>
    public static IpPrefix Host(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var isIPv6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        return new IpPrefix(isIPv6, ToNumber(address), (byte)(isIPv6 ? 128 : 32));
    }

    /// <summary>The network of <paramref name="address"/> with <paramref name="length"/> bits (host bits cleared).</summary>
    public static IpPrefix Create(IPAddress address, int length)
    {
        ArgumentNullException.ThrowIfNull(address);
        var isIPv6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, isIPv6 ? 128 : 32);
        return new IpPrefix(isIPv6, ToNumber(address) & MaskOf(isIPv6, length), (byte)length);
    }

    /// <summary>Whether the address <paramref name="value"/> (numbered as <see cref="Network"/>) of the given family lies in the prefix.</summary>
    public bool Contains(bool isIPv6, UInt128 value) => isIPv6 == IsIPv6 && (value & Mask) == Network;

    /// <summary>Whether <paramref name="address"/> lies in the prefix.</summary>
    public bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return Contains(address.AddressFamily == AddressFamily.InterNetworkV6, ToNumber(address));
    }

    /// <summary>Whether <paramref name="other"/> lies wholly inside this prefix.</summary>
    public bool Covers(IpPrefix other) => other.IsIPv6 == IsIPv6 && other.Length >= Length && (other.Network & Mask) == Network;

    /// <summary>The network address.</summary>
    public IPAddress NetworkAddress
    {
        get
        {
            if (!IsIPv6)
            {
                Span<byte> v4 = stackalloc byte[4];
                BinaryPrimitives.WriteUInt32BigEndian(v4, (uint)Network);
                return new IPAddress(v4);
            }

            Span<byte> v6 = stackalloc byte[16];
            BinaryPrimitives.WriteUInt128BigEndian(v6, Network);
            return new IPAddress(v6);
        }
    }

    /// <summary>The canonical text: the network address in its shortest form (RFC 5952 for IPv6), a slash, the length.</summary>
    public override string ToString() => $"{NetworkAddress}/{Length.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The address as a number (<see cref="IpNumber.From"/>: IPv4 mapped, an IPv4-mapped IPv6 address stays IPv6).</summary>
    public static UInt128 ToNumber(IPAddress address) => IpNumber.From(address);

    internal static UInt128 MaskOf(bool isIPv6, int length)
        => isIPv6
            ? (length == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - length))
            : UInt128.MaxValue << (32 - length);
}
