using System.Buffers.Binary;
using System.Net;

namespace VpnGateway.Tests.Metering;

/// <summary>Builds raw IP packets (headers with correct lengths; checksums are not metered and left zero).</summary>
internal static class TestPackets
{
    public const byte Fin = 0x01;
    public const byte Syn = 0x02;
    public const byte Rst = 0x04;
    public const byte Psh = 0x08;
    public const byte Ack = 0x10;

    public static byte[] Tcp(string source, int sourcePort, string destination, int destinationPort, byte flags, int payload = 0, int tcpOptions = 0)
        => Ip(source, destination, 6, Transport(20 + tcpOptions, payload, t =>
        {
            Ports(t, sourcePort, destinationPort);
            t[12] = (byte)(((20 + tcpOptions) / 4) << 4);
            t[13] = flags;
        }));

    public static byte[] Udp(string source, int sourcePort, string destination, int destinationPort, int payload = 0)
        => Ip(source, destination, 17, Transport(8, payload, t =>
        {
            Ports(t, sourcePort, destinationPort);
            BinaryPrimitives.WriteUInt16BigEndian(t[4..], (ushort)(8 + payload));
        }));

    public static byte[] Icmp(string source, string destination, byte type, byte code, int payload = 0)
    {
        var v6 = IPAddress.Parse(source).AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        return Ip(source, destination, v6 ? (byte)58 : (byte)1, Transport(8, payload, t =>
        {
            t[0] = type;
            t[1] = code;
        }));
    }

    public static byte[] Ip(string source, string destination, byte protocol, byte[] transport, int ipv4Options = 0)
    {
        var src = IPAddress.Parse(source).GetAddressBytes();
        var dst = IPAddress.Parse(destination).GetAddressBytes();
        if (src.Length == 4)
        {
            var header = 20 + ipv4Options;
            var p = new byte[header + transport.Length];
            p[0] = (byte)(0x40 | (header / 4));
            BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(2), (ushort)p.Length);
            p[8] = 64;
            p[9] = protocol;
            src.CopyTo(p, 12);
            dst.CopyTo(p, 16);
            transport.CopyTo(p, header);
            return p;
        }

        var q = new byte[40 + transport.Length];
        q[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(q.AsSpan(4), (ushort)transport.Length);
        q[6] = protocol;
        q[7] = 64;
        src.CopyTo(q, 8);
        dst.CopyTo(q, 24);
        transport.CopyTo(q, 40);
        return q;
    }

    /// <summary>An IPv6 packet with a hop-by-hop options header (8 bytes) and a fragment header before <paramref name="protocol"/>.</summary>
    public static byte[] Ipv6WithExtensions(string source, string destination, byte protocol, byte[] transport, ushort fragmentOffsetUnits, bool moreFragments)
    {
        var ext = new byte[16];
        ext[0] = 44; // hop-by-hop -> fragment
        ext[1] = 0;
        ext[8] = protocol; // fragment -> transport
        BinaryPrimitives.WriteUInt16BigEndian(ext.AsSpan(10), (ushort)((fragmentOffsetUnits << 3) | (moreFragments ? 1 : 0)));
        var p = Ip(source, destination, 0, [.. ext, .. transport]);
        return p;
    }

    /// <summary>An IPv4 fragment: <paramref name="offsetUnits"/> (8-byte units) and the more-fragments flag.</summary>
    public static byte[] WithFragment(byte[] ipv4, ushort offsetUnits, bool moreFragments)
    {
        var p = (byte[])ipv4.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(6), (ushort)((moreFragments ? 0x2000 : 0) | offsetUnits));
        return p;
    }

    private static byte[] Transport(int header, int payload, SpanAction fill)
    {
        var t = new byte[header + payload];
        fill(t);
        return t;
    }

    private static void Ports(Span<byte> t, int source, int destination)
    {
        BinaryPrimitives.WriteUInt16BigEndian(t, (ushort)source);
        BinaryPrimitives.WriteUInt16BigEndian(t[2..], (ushort)destination);
    }

    private delegate void SpanAction(Span<byte> span);
}
