using System.Buffers.Binary;
using System.Net;

namespace Oracle.Core.Tests.Policy;

/// <summary>Builds minimal IPv4/IPv6 packets for parser and evaluator tests.</summary>
internal static class TestPackets
{
    public static byte[] V4(string source, string destination, byte protocol, ushort sourcePort = 0, ushort destinationPort = 0, ushort fragmentOffset = 0, int payload = 8)
    {
        var transport = protocol is 6 ? 20 : 8;
        var packet = new byte[20 + transport + payload];
        packet[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(6), fragmentOffset);
        packet[8] = 64;
        packet[9] = protocol;
        IPAddress.Parse(source).TryWriteBytes(packet.AsSpan(12), out _);
        IPAddress.Parse(destination).TryWriteBytes(packet.AsSpan(16), out _);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(20), sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(22), destinationPort);
        if (protocol is 6)
        {
            packet[32] = 0x50; // data offset: 5 words
        }

        return packet;
    }

    public static byte[] V6(string source, string destination, byte protocol, ushort sourcePort = 0, ushort destinationPort = 0, byte[]? extensions = null, byte firstNext = 0)
    {
        extensions ??= [];
        var transport = protocol is 6 ? 20 : 8;
        var packet = new byte[40 + extensions.Length + transport];
        packet[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)(packet.Length - 40));
        packet[6] = extensions.Length == 0 ? protocol : firstNext;
        packet[7] = 64;
        IPAddress.Parse(source).TryWriteBytes(packet.AsSpan(8), out _);
        IPAddress.Parse(destination).TryWriteBytes(packet.AsSpan(24), out _);
        extensions.CopyTo(packet, 40);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(40 + extensions.Length), sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(42 + extensions.Length), destinationPort);
        if (protocol is 6)
        {
            packet[52 + extensions.Length] = 0x50; // data offset: 5 words
        }

        return packet;
    }
}
