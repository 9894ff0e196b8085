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
