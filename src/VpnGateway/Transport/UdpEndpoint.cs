using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace VpnGateway.Transport;

/// <summary>A UDP endpoint as the dual-stack sockets see it: a 128-bit address (IPv4 as ::ffff:a.b.c.d) and a port.</summary>
internal readonly record struct UdpEndpoint(UInt128 Address, ushort Port)
{
    private static readonly UInt128 MappedPrefix = (UInt128)0xFFFF << 32;
    private static readonly UInt128 MappedMask = ~(UInt128)uint.MaxValue;

    public bool IsIPv4 => (Address & MappedMask) == MappedPrefix;

    public static UdpEndpoint From(IPEndPoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var address = endpoint.Address.AddressFamily == AddressFamily.InterNetwork ? endpoint.Address.MapToIPv6() : endpoint.Address;
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        return new UdpEndpoint(BinaryPrimitives.ReadUInt128BigEndian(bytes), (ushort)endpoint.Port);
    }

    public IPEndPoint ToIPEndPoint()
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, Address);
        var address = new IPAddress(bytes);
        return new IPEndPoint(IsIPv4 ? address.MapToIPv4() : address, Port);
    }

    /// <summary>The address bytes as written in a sockaddr_in6 (16 bytes, network order).</summary>
    public void WriteAddress(Span<byte> destination) => BinaryPrimitives.WriteUInt128BigEndian(destination, Address);

    /// <summary>The address alone, for per-source rate limits and cookies.</summary>
    public override string ToString() => ToIPEndPoint().ToString();
}
