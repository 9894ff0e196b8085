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
}
