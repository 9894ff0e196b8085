using Oracle.Core.Evidence;
using VpnGateway.Metering.Flows;
using Oracle.Core.Policy;

namespace VpnGateway.Tests.Metering;

public sealed class PacketParserTests
{
    [Fact]
    public void Parse_IPv4Tcp_ReadsTupleFlagsAndSizes()
    {
        var packet = TestPackets.Tcp("198.18.0.2", 40000, "198.19.0.1", 443, TestPackets.Syn | TestPackets.Ack, payload: 100, tcpOptions: 12);

        var result = PacketParser.Parse(packet, packet.Length, out var h);

        Assert.Equal(PacketParseResult.Ok, result);
        Assert.Equal(4, h.IpVersion);
        Assert.Equal(6, h.Protocol);
        Assert.Equal(IpNumber.From(System.Net.IPAddress.Parse("198.18.0.2")), h.Source);
        Assert.Equal(IpNumber.From(System.Net.IPAddress.Parse("198.19.0.1")), h.Destination);
        Assert.Equal(40000, h.SourcePort);
        Assert.Equal(443, h.DestinationPort);
        Assert.Equal(TestPackets.Syn | TestPackets.Ack, h.TcpFlags);
        Assert.Equal((uint)(20 + 32 + 100), h.Octets);
        Assert.Equal(100u, h.PayloadOctets);
    }

    [Fact]
    public void Parse_SnappedPacket_UsesTheWireLength()
    {
        var packet = TestPackets.Udp("198.18.0.2", 5000, "198.19.0.1", 53, payload: 1400);

        var result = PacketParser.Parse(packet.AsSpan(0, 96), packet.Length, out var h);

        Assert.Equal(PacketParseResult.Ok, result);
        Assert.Equal((uint)packet.Length, h.Octets);
        Assert.Equal(1400u, h.PayloadOctets);
        Assert.Equal(5000, h.SourcePort);
    }

    [Fact]
    public void Parse_IPv4WithOptions_SkipsThem()
    {
        var packet = TestPackets.Ip("198.18.0.2", "198.19.0.1", 17, [0x13, 0x88, 0x00, 0x35, 0, 8, 0, 0], ipv4Options: 8);

        Assert.Equal(PacketParseResult.Ok, PacketParser.Parse(packet, packet.Length, out var h));
        Assert.Equal(5000, h.SourcePort);
        Assert.Equal(53, h.DestinationPort);
        Assert.Equal(0u, h.PayloadOctets);
    }

    [Fact]
    public void Parse_IPv4LaterFragment_AllPayloadNoPorts()
    {
        var packet = TestPackets.WithFragment(TestPackets.Udp("198.18.0.2", 5000, "198.19.0.1", 53, payload: 100), offsetUnits: 185, moreFragments: false);

        Assert.Equal(PacketParseResult.Ok, PacketParser.Parse(packet, packet.Length, out var h));
        Assert.Equal(0, h.SourcePort);
        Assert.Equal(0, h.DestinationPort);
        Assert.Equal((uint)(packet.Length - 20), h.PayloadOctets);
    }

    [Fact]
    public void Parse_IPv4FirstFragment_ReadsPorts()
    {
        var packet = TestPackets.WithFragment(TestPackets.Udp("198.18.0.2", 5000, "198.19.0.1", 53, payload: 100), offsetUnits: 0, moreFragments: true);

        Assert.Equal(PacketParseResult.Ok, PacketParser.Parse(packet, packet.Length, out var h));
        Assert.Equal(5000, h.SourcePort);
    }

    [Fact]
    public void Parse_IPv6Udp_ReadsTuple()
    {
        var packet = TestPackets.Udp("2001:db8::1", 1234, "2001:db8::2", 5678, payload: 10);

        Assert.Equal(PacketParseResult.Ok, PacketParser.Parse(packet, packet.Length, out var h));
        Assert.Equal(6, h.IpVersion);
        Assert.Equal(17, h.Protocol);
        Assert.Equal(1234, h.SourcePort);
        Assert.Equal(5678, h.DestinationPort);
        Assert.Equal(10u, h.PayloadOctets);
        Assert.Equal((uint)(40 + 8 + 10), h.Octets);
    }

    [Fact]
    public void Parse_IPv6ExtensionHeaders_WalksToTransport()
    {
        var udp = new byte[] { 0x04, 0xD2, 0x16, 0x2E, 0, 12, 0, 0, 1, 2, 3, 4 };
        var packet = TestPackets.Ipv6WithExtensions("2001:db8::1", "2001:db8::2", 17, udp, fragmentOffsetUnits: 0, moreFragments: true);

        Assert.Equal(PacketParseResult.Ok, PacketParser.Parse(packet, packet.Length, out var h));
        Assert.Equal(17, h.Protocol);
        Assert.Equal(1234, h.SourcePort);
        Assert.Equal(5678, h.DestinationPort);
        Assert.Equal(4u, h.PayloadOctets);
    }

    [Fact]
    public void Parse_IPv6LaterFragment_NoPorts()
    {
        var packet = TestPackets.Ipv6WithExtensions("2001:db8::1", "2001:db8::2", 6, new byte[64], fragmentOffsetUnits: 10, moreFragments: false);

        Assert.Equal(PacketParseResult.Ok, PacketParser.Parse(packet, packet.Length, out var h));
        Assert.Equal(6, h.Protocol);
        Assert.Equal(0, h.SourcePort);
        Assert.Equal(0, h.TcpFlags);
        Assert.Equal(64u, h.PayloadOctets);
    }

    [Fact]
    public void Parse_IcmpEcho_TypeAndCodeInDestinationPort()
    {
        var packet = TestPackets.Icmp("198.18.0.2", "198.19.0.1", type: 8, code: 0, payload: 56);

        Assert.Equal(PacketParseResult.Ok, PacketParser.Parse(packet, packet.Length, out var h));
        Assert.Equal(1, h.Protocol);
        Assert.Equal(0, h.SourcePort);
        Assert.Equal(0x0800, h.DestinationPort);
        Assert.Equal(56u, h.PayloadOctets);
    }

    [Fact]
    public void Parse_Icmpv6_TypeAndCode()
    {
        var packet = TestPackets.Icmp("2001:db8::1", "2001:db8::2", type: 128, code: 0, payload: 8);

        Assert.Equal(PacketParseResult.Ok, PacketParser.Parse(packet, packet.Length, out var h));
        Assert.Equal(58, h.Protocol);
        Assert.Equal(128 << 8, h.DestinationPort);
    }

    [Fact]
    public void Parse_OtherProtocol_PayloadAfterIpHeader()
    {
        var packet = TestPackets.Ip("198.18.0.2", "198.19.0.1", 47, new byte[30]);

        Assert.Equal(PacketParseResult.Ok, PacketParser.Parse(packet, packet.Length, out var h));
        Assert.Equal(47, h.Protocol);
        Assert.Equal(30u, h.PayloadOctets);
    }

    [Theory]
    [InlineData(new byte[0], "Truncated")]
    [InlineData(new byte[] { 0x20, 0, 0, 0 }, "NotIp")]
    [InlineData(new byte[] { 0x45, 0, 0, 20 }, "Truncated")]
    [InlineData(new byte[] { 0x60, 0, 0, 0, 0, 0, 17, 64 }, "Truncated")]
    public void Parse_Garbage_RejectedWithReason(byte[] packet, string expected)
    {
        Assert.Equal(Enum.Parse<PacketParseResult>(expected), PacketParser.Parse(packet, packet.Length, out _));
    }

    [Fact]
    public void Parse_Ihl4_BadHeader()
    {
        var packet = TestPackets.Udp("198.18.0.2", 1, "198.19.0.1", 2);
        packet[0] = 0x44;

        Assert.Equal(PacketParseResult.BadHeader, PacketParser.Parse(packet, packet.Length, out _));
    }

    [Fact]
    public void Parse_TcpDataOffsetBelowFive_BadHeader()
    {
        var packet = TestPackets.Tcp("198.18.0.2", 1, "198.19.0.1", 2, TestPackets.Syn);
        packet[20 + 12] = 0x40;

        Assert.Equal(PacketParseResult.BadHeader, PacketParser.Parse(packet, packet.Length, out _));
    }

    [Fact]
    public void Parse_TcpHeaderLongerThanPacket_BadHeader()
    {
        var packet = TestPackets.Tcp("198.18.0.2", 1, "198.19.0.1", 2, TestPackets.Syn);
        packet[20 + 12] = 0xF0;

        Assert.Equal(PacketParseResult.BadHeader, PacketParser.Parse(packet, packet.Length, out _));
    }

    [Fact]
    public void Parse_RandomBytes_NeverThrowsAndKeepsTheEncodingRules()
    {
        var random = new Random(99);
        var buffer = new byte[128];
        for (var i = 0; i < 200_000; i++)
        {
            random.NextBytes(buffer);
            buffer[0] = (byte)((random.Next(2) == 0 ? 0x40 : 0x60) | (buffer[0] & 0x0F));
            var length = random.Next(0, buffer.Length + 1);
            var wire = length + random.Next(0, 2000);

            if (PacketParser.Parse(buffer.AsSpan(0, length), wire, out var h) == PacketParseResult.Ok)
            {
                var record = new FlowRecord(1, FlowVerdict.Allowed, 0, Oracle.Core.Policy.TrafficDirection.Outbound, h.IpVersion, h.Protocol,
                    h.TcpFlags, FlowEndReason.IdleTimeout, h.Source, h.Destination, h.SourcePort, h.DestinationPort, 0, 0, 1, h.Octets, h.PayloadOctets);
                Assert.Equal(FlowRecordError.None, FlowRecordEncoding.Validate(record));
            }
        }
    }
}
