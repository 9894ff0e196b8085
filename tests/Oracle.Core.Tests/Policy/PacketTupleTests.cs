using System.Buffers.Binary;
using Oracle.Core.Policy;

namespace Oracle.Core.Tests.Policy;

public sealed class PacketTupleTests
{
    [Fact]
    public void TryParse_IPv4Tcp_ReadsAddressesAndPorts()
    {
        var packet = TestPackets.V4("198.18.1.2", "198.19.3.4", 6, 40000, 445);

        Assert.True(PacketTuple.TryParse(packet, out var tuple));

        Assert.False(tuple.IsIPv6);
        Assert.Equal(IpPrefix.Parse("198.18.1.2").Network, tuple.Source);
        Assert.Equal(IpPrefix.Parse("198.19.3.4").Network, tuple.Destination);
        Assert.Equal(6, tuple.Protocol);
        Assert.True(tuple.HasPorts);
        Assert.Equal(40000, tuple.SourcePort);
        Assert.Equal(445, tuple.DestinationPort);
    }

    [Fact]
    public void TryParse_IPv4LaterFragment_HasNoPorts()
    {
        var packet = TestPackets.V4("198.18.1.2", "198.19.3.4", 6, 40000, 445, fragmentOffset: 0x0010);

        Assert.True(PacketTuple.TryParse(packet, out var tuple));

        Assert.False(tuple.HasPorts);
    }

    [Fact]
    public void TryParse_IPv6AfterHopByHopAndFragmentHeaders_FindsUdpPorts()
    {
        // hop-by-hop (next = fragment 44, 8 bytes), fragment (next = UDP 17, offset 0)
        byte[] extensions = [44, 0, 0, 0, 0, 0, 0, 0, 17, 0, 0, 0, 0, 0, 0, 1];
        var packet = TestPackets.V6("2001:db8::1", "2001:db8::2", 17, 5353, 53, extensions, firstNext: 0);

        Assert.True(PacketTuple.TryParse(packet, out var tuple));

        Assert.True(tuple.IsIPv6);
        Assert.Equal(17, tuple.Protocol);
        Assert.True(tuple.HasPorts);
        Assert.Equal(53, tuple.DestinationPort);
    }

    [Fact]
    public void TryParse_IPv6TwoExtensionHeadersThenTcp_FindsTcpPorts()
    {
        // hop-by-hop (next = destination options 60), destination options (next = TCP 6), each 8 bytes
        byte[] extensions = [60, 0, 1, 4, 0, 0, 0, 0, 6, 0, 1, 4, 0, 0, 0, 0];
        var packet = TestPackets.V6("2001:db8::1", "2001:db8::2", 6, 40000, 445, extensions, firstNext: 0);

        Assert.True(PacketTuple.TryParse(packet, out var tuple));

        Assert.Equal(PacketTuple.Tcp, tuple.Protocol);
        Assert.True(tuple.HasPorts);
        Assert.Equal(40000, tuple.SourcePort);
        Assert.Equal(445, tuple.DestinationPort);
    }

    [Fact]
    public void TryParse_IPv6MobilityHeaderBeforeUdp_ReadAfterIt()
    {
        byte[] extensions = [17, 0, 0, 0, 0, 0, 0, 0];
        var packet = TestPackets.V6("2001:db8::1", "2001:db8::2", 17, 5353, 137, extensions, firstNext: 135);

        Assert.True(PacketTuple.TryParse(packet, out var tuple));

        Assert.Equal(PacketTuple.Udp, tuple.Protocol);
        Assert.True(tuple.HasPorts);
        Assert.Equal(137, tuple.DestinationPort);
    }

    [Theory]
    [InlineData(8, true)]
    [InlineData(9, false)]
    public void TryParse_IPv6ExtensionHeaderChain_MoreThanTheLimitIsMalformed(int headers, bool parses)
    {
        // Destination options headers, each 8 bytes, all naming another one but the last (TCP).
        var extensions = new byte[headers * 8];
        for (var i = 0; i < headers; i++)
        {
            extensions[i * 8] = i == headers - 1 ? PacketTuple.Tcp : (byte)60;
            extensions[(i * 8) + 2] = 1;
            extensions[(i * 8) + 3] = 4;
        }

        var packet = TestPackets.V6("2001:db8::1", "2001:db8::2", 6, 40000, 445, extensions, firstNext: 60);

        Assert.Equal(parses, PacketTuple.TryParse(packet, out var tuple));
        if (parses)
        {
            Assert.Equal(PacketTuple.Tcp, tuple.Protocol);
            Assert.Equal(445, tuple.DestinationPort);
        }
    }

    [Fact]
    public void TryParse_IPv6ChainCutShort_Malformed()
    {
        // The hop-by-hop header claims 16 bytes, but the payload ends after 12 of them.
        var packet = V6Raw(firstNext: 0, [6, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        // A destination options header that does not fit its own 8 bytes.
        var stub = V6Raw(firstNext: 60, [6, 0, 0, 0]);

        Assert.False(PacketTuple.TryParse(packet, out _));
        Assert.False(PacketTuple.TryParse(stub, out _));
    }

    [Theory]
    [InlineData(PacketTuple.Tcp, 2)]
    [InlineData(PacketTuple.Tcp, 12)]
    [InlineData(PacketTuple.Udp, 4)]
    [InlineData(PacketTuple.IcmpV6, 2)]
    public void TryParse_IPv6FirstFragmentWithoutWholeTransportHeader_Malformed(byte protocol, int transport)
    {
        // Fragment header: next = protocol, offset 0, more fragments; then a transport header cut short.
        byte[] fragment = [protocol, 0, 0, 1, 0, 0, 0, 42];
        var packet = V6Raw(firstNext: 44, [.. fragment, .. Ports(transport)]);

        Assert.False(PacketTuple.TryParse(packet, out _));
    }

    [Fact]
    public void TryParse_IPv6UnfragmentedTcpWithoutWholeHeader_Malformed()
    {
        Assert.False(PacketTuple.TryParse(V6Raw(firstNext: PacketTuple.Tcp, Ports(4)), out _));
        Assert.True(PacketTuple.TryParse(V6Raw(firstNext: PacketTuple.Tcp, Ports(20)), out var whole));
        Assert.True(whole.HasPorts);
    }

    [Fact]
    public void TryParse_IPv6LaterFragment_ProtocolFromFragmentHeaderAndNoPorts()
    {
        // Offset 8 (in 8-byte units: 1): its data is the middle of the payload, however short, and is not walked as
        // headers even when the fragmentable part started with one.
        byte[] fragment = [60, 0, 0, 8, 0, 0, 0, 42];
        var packet = V6Raw(firstNext: 44, [.. fragment, 0xFF, 0xFF]);

        Assert.True(PacketTuple.TryParse(packet, out var tuple));

        Assert.Equal(60, tuple.Protocol);
        Assert.False(tuple.HasPorts);
    }

    [Theory]
    [InlineData(5, 0x2000, PacketTuple.Tcp, 2)]
    [InlineData(15, 0x2000, PacketTuple.Tcp, 2)]
    [InlineData(15, 0x2000, PacketTuple.Tcp, 16)]
    [InlineData(15, 0x2000, PacketTuple.Udp, 0)]
    [InlineData(15, 0x0000, PacketTuple.Udp, 4)]
    [InlineData(5, 0x0000, PacketTuple.Icmp, 4)]
    public void TryParse_IPv4FirstFragmentOrWholePacketWithoutWholeTransportHeader_Malformed(int ihl, ushort fragmentField, byte protocol, int transport)
    {
        // IHL 15: 40 bytes of options push the transport header out of the (first) fragment.
        var packet = V4Raw(ihl, fragmentField, protocol, transport);

        Assert.False(PacketTuple.TryParse(packet, out _));
    }

    [Fact]
    public void TryParse_IPv4LaterFragmentAfterOptions_ParsesWithoutPorts()
    {
        var packet = V4Raw(15, 0x2001, PacketTuple.Tcp, 2);

        Assert.True(PacketTuple.TryParse(packet, out var tuple));

        Assert.Equal(PacketTuple.Tcp, tuple.Protocol);
        Assert.False(tuple.HasPorts);
    }

    [Fact]
    public void TryParse_IPv4FirstFragmentAfterOptionsWithWholeHeader_HasPorts()
    {
        var packet = V4Raw(15, 0x2000, PacketTuple.Tcp, 20);

        Assert.True(PacketTuple.TryParse(packet, out var tuple));

        Assert.True(tuple.HasPorts);
        Assert.Equal(445, tuple.DestinationPort);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0x45, 0, 0, 20 })]
    [InlineData(new byte[] { 0x55, 0, 0, 20, 0, 0, 0, 0, 64, 6, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8 })]
    [InlineData(new byte[] { 0x44, 0, 0, 20, 0, 0, 0, 0, 64, 6, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8 })]
    [InlineData(new byte[] { 0x45, 0, 0, 60, 0, 0, 0, 0, 64, 6, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8 })]
    public void TryParse_Malformed_Fails(byte[] packet)
    {
        Assert.False(PacketTuple.TryParse(packet, out _));
    }

    [Fact]
    public void TryParse_RandomBytes_NeverThrows()
    {
        var random = new Random(7);
        var buffer = new byte[128];
        for (var i = 0; i < 200_000; i++)
        {
            random.NextBytes(buffer);
            buffer[0] = (byte)((buffer[0] & 0x0F) | (i % 2 == 0 ? 0x40 : 0x60));
            _ = PacketTuple.TryParse(buffer.AsSpan(0, random.Next(buffer.Length)), out _);
        }
    }

    // Transport bytes: source port 40000 and destination port 445 when they fit, a TCP data offset of 5 words (20
    // bytes) when it fits, zeros after.
    private static byte[] Ports(int length)
    {
        var transport = new byte[length];
        byte[] ports = [0x9C, 0x40, 0x01, 0xBD];
        ports.AsSpan(0, Math.Min(4, length)).CopyTo(transport);
        if (length > 12)
        {
            transport[12] = 0x50;
        }

        return transport;
    }

    private static byte[] V6Raw(byte firstNext, byte[] payload)
    {
        var packet = new byte[40 + payload.Length];
        packet[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)payload.Length);
        packet[6] = firstNext;
        packet[7] = 64;
        packet[8] = 0x20;
        packet[24] = 0x20;
        payload.CopyTo(packet, 40);
        return packet;
    }

    private static byte[] V4Raw(int ihl, ushort fragmentField, byte protocol, int transport)
    {
        var packet = new byte[(ihl * 4) + transport];
        packet[0] = (byte)(0x40 | ihl);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(6), fragmentField);
        packet[8] = 64;
        packet[9] = protocol;
        packet[12] = 198;
        packet[13] = 18;
        packet[16] = 198;
        packet[17] = 19;
        for (var i = 20; i < ihl * 4; i++)
        {
            packet[i] = 1; // NOP options
        }

        Ports(transport).CopyTo(packet, ihl * 4);
        return packet;
    }
}
