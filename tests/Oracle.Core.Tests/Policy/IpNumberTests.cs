using System.Net;
using Oracle.Core.Evidence;
using Oracle.Core.Policy;
using Oracle.Core.Tests.Evidence;

namespace Oracle.Core.Tests.Policy;

/// <summary>One numbering of addresses for records, prefixes and packet tuples: IPv4 in the IPv4-mapped form.</summary>
public sealed class IpNumberTests
{
    [Fact]
    public void From_IPv4_IsMappedAndRoundTrips()
    {
        var number = IpNumber.From(IPAddress.Parse("198.18.0.2"));

        Assert.Equal(IpNumber.MapIPv4(0xC6120002), number);
        Assert.True(IpNumber.IsIPv4Mapped(number));
        Assert.Equal("198.18.0.2", IpNumber.ToIPAddress(number, isIPv6: false).ToString());
        Assert.Equal("::ffff:198.18.0.2", IpNumber.ToIPAddress(number, isIPv6: true).ToString());
    }

    [Fact]
    public void ToIPAddress_IPv4NotMapped_Throws()
    {
        Assert.Throws<ArgumentException>(() => IpNumber.ToIPAddress(0xC6120002, isIPv6: false));
    }

    [Fact]
    public void Numbering_RecordPrefixAndTupleAgree()
    {
        var prefix = IpPrefix.Parse("198.18.0.0/15");
        var record = FlowRecordEncodingTests.ValidRecord() with { IpVersion = 4, SourceAddress = IpNumber.From(IPAddress.Parse("198.19.1.2")) };
        Assert.True(PacketTuple.TryParse(TestPackets.V4("198.19.1.2", "10.0.0.1", 17, 1000, 53), out var tuple));

        Assert.Equal(tuple.Source, record.SourceAddress);
        Assert.True(prefix.Contains(false, tuple.Source));
        Assert.True(prefix.Contains(false, record.SourceAddress));
        Assert.False(prefix.Contains(true, record.SourceAddress)); // an IPv6 packet from ::ffff:198.19.1.2 is another family
        Assert.Equal(prefix.Network, IpNumber.From(IPAddress.Parse("198.18.0.0")));
        Assert.Equal("198.18.0.0/15", prefix.ToString());
    }

    [Fact]
    public void PacketTuple_IPv4NotMapped_Throws()
    {
        Assert.Throws<ArgumentException>(() => new PacketTuple(false, 0xC6120002, IpNumber.MapIPv4(1), 6, true, 1, 2));
    }

    [Fact]
    public void PrefixSet_Contains_FamiliesApart()
    {
        var set = PrefixSet.Parse("198.18.0.0/24", "2001:db8:1::/48", "::ffff:10.0.0.0/104");

        Assert.True(set.Contains(IPAddress.Parse("198.18.0.77")));
        Assert.False(set.Contains(IPAddress.Parse("198.18.1.1")));
        Assert.True(set.Contains(IPAddress.Parse("2001:db8:1:ffff::1")));
        Assert.False(set.Contains(IPAddress.Parse("::ffff:198.18.0.77")));
        Assert.True(set.Contains(IPAddress.Parse("::ffff:10.1.2.3")));
        Assert.False(set.Contains(IPAddress.Parse("10.1.2.3")));
        Assert.False(PrefixSet.Empty.Contains(IPAddress.Parse("198.18.0.77")));
        Assert.True(PrefixSet.Parse("0.0.0.0/0").Contains(IPAddress.Parse("203.0.113.9")));
    }

    [Theory]
    [InlineData(6, 40000, 445, true)]
    [InlineData(17, 5353, 53, true)]
    [InlineData(6, 0, 0, false)]
    [InlineData(132, 40000, 445, false)]
    [InlineData(1, 0, 0x0800, false)]
    public void ToPacketTuple_PortsOnlyForTcpAndUdpNotBothZero(byte protocol, ushort sourcePort, ushort destinationPort, bool hasPorts)
    {
        var record = FlowRecordEncodingTests.ValidRecord() with { Protocol = protocol, TcpFlags = 0, SourcePort = sourcePort, DestinationPort = destinationPort };

        var tuple = record.ToPacketTuple();

        Assert.Equal(hasPorts, tuple.HasPorts);
        Assert.Equal(hasPorts ? sourcePort : 0, tuple.SourcePort);
        Assert.Equal(hasPorts ? destinationPort : 0, tuple.DestinationPort);
        Assert.Equal(record.SourceAddress, tuple.Source);
        Assert.Equal(protocol, tuple.Protocol);
    }

    [Fact]
    public void TryParse_TcpFromPortZeroToPortZero_EvaluatedWithoutPorts()
    {
        Assert.True(PacketTuple.TryParse(TestPackets.V4("198.18.0.2", "198.19.0.1", 6, 0, 0), out var tuple));

        Assert.False(tuple.HasPorts);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    public void TryParse_TcpDataOffsetOutsideThePacket_Malformed(int words)
    {
        var packet = TestPackets.V4("198.18.0.2", "198.19.0.1", 6, 1000, 445, payload: 0);
        packet[32] = (byte)(words << 4);

        Assert.False(PacketTuple.TryParse(packet, out _));
    }
}
