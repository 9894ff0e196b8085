using System.Buffers.Binary;
using System.Net;
using VpnGateway.Tun;

namespace VpnGateway.Tests.Doubles;

/// <summary>Builds valid IPv4 packets (checksums included) for the tests.</summary>
internal static class Packets
{
    public static byte[] Udp(string source, string destination, ushort sourcePort, ushort destinationPort, int payload = 32, byte fill = 0xAB)
    {
        var packet = new byte[20 + 8 + payload];
        Header(packet, source, destination, 17);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(20), sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(22), destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(24), (ushort)(8 + payload));
        packet.AsSpan(28).Fill(fill);
        var sum = Checksum.PseudoHeader(packet, 17, 8 + payload);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(26), Checksum.Finish(Checksum.Add(packet.AsSpan(20), sum)));
        return packet;
    }

    public static byte[] Tcp(string source, string destination, ushort sourcePort, ushort destinationPort, uint sequence, byte flags = 0x10, int payload = 0, byte[]? options = null, byte fill = 0x5A)
    {
        options ??= [];
        var tcpHeader = 20 + options.Length;
        var packet = new byte[20 + tcpHeader + payload];
        Header(packet, source, destination, 6);
        var tcp = packet.AsSpan(20);
        BinaryPrimitives.WriteUInt16BigEndian(tcp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], sequence);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[8..], 1000);
        tcp[12] = (byte)((tcpHeader / 4) << 4);
        tcp[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], 502);
        options.CopyTo(tcp[20..]);
        for (var i = 0; i < payload; i++)
        {
            tcp[tcpHeader + i] = (byte)(fill + sequence + i);
        }

        var sum = Checksum.PseudoHeader(packet, 6, tcp.Length);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], Checksum.Finish(Checksum.Add(tcp, sum)));
        return packet;
    }

    /// <summary>An IPv6 UDP datagram (checksum included).</summary>
    public static byte[] Udp6(string source, string destination, ushort sourcePort, ushort destinationPort, int payload = 32, byte fill = 0xAB)
    {
        var packet = Header6(source, destination, 17, 8 + payload);
        var udp = packet.AsSpan(40);
        BinaryPrimitives.WriteUInt16BigEndian(udp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[2..], destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)(8 + payload));
        udp[8..].Fill(fill);
        BinaryPrimitives.WriteUInt16BigEndian(udp[6..], Checksum6(packet, 17));
        return packet;
    }

    /// <summary>An IPv6 TCP segment without options (checksum included).</summary>
    public static byte[] Tcp6(string source, string destination, ushort sourcePort, ushort destinationPort, uint sequence, byte flags = 0x10, int payload = 0)
    {
        var packet = Header6(source, destination, 6, 20 + payload);
        var tcp = packet.AsSpan(40);
        BinaryPrimitives.WriteUInt16BigEndian(tcp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], sequence);
        tcp[12] = 5 << 4;
        tcp[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], 502);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], Checksum6(packet, 6));
        return packet;
    }

    private static byte[] Header6(string source, string destination, byte protocol, int payloadLength)
    {
        var packet = new byte[40 + payloadLength];
        packet[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)payloadLength);
        packet[6] = protocol;
        packet[7] = 64;
        IPAddress.Parse(source).TryWriteBytes(packet.AsSpan(8), out _);
        IPAddress.Parse(destination).TryWriteBytes(packet.AsSpan(24), out _);
        return packet;
    }

    // RFC 8200 §8.1: the pseudo-header of both addresses, the upper-layer length and the next header, then the segment.
    private static ushort Checksum6(byte[] packet, byte protocol)
    {
        var upper = packet.AsSpan(40);
        Span<byte> pseudo = stackalloc byte[40];
        packet.AsSpan(8, 32).CopyTo(pseudo);
        BinaryPrimitives.WriteUInt32BigEndian(pseudo[32..], (uint)upper.Length);
        pseudo[39] = protocol;
        return Checksum.Finish(Checksum.Add(upper, Checksum.Add(pseudo)));
    }

    /// <summary>Whether the IPv4 header and TCP/UDP checksums verify.</summary>
    public static bool ChecksumsValid(ReadOnlySpan<byte> packet)
    {
        var headerLength = (packet[0] & 0x0F) * 4;
        if (Checksum.Fold(Checksum.Add(packet[..headerLength])) != 0xFFFF)
        {
            return false;
        }

        var upper = packet[headerLength..];
        var sum = Checksum.PseudoHeader(packet, packet[9], upper.Length);
        return Checksum.Fold(Checksum.Add(upper, sum)) == 0xFFFF;
    }

    private static void Header(byte[] packet, string source, string destination, byte protocol)
    {
        packet[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), 0x1234);
        packet[6] = 0x40;
        packet[8] = 64;
        packet[9] = protocol;
        IPAddress.Parse(source).TryWriteBytes(packet.AsSpan(12), out _);
        IPAddress.Parse(destination).TryWriteBytes(packet.AsSpan(16), out _);
        Checksum.SetIPv4HeaderChecksum(packet, 20);
    }
}
