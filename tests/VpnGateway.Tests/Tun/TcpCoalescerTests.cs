using VpnGateway.Tests.Doubles;
using VpnGateway.Tun;

namespace VpnGateway.Tests.Tun;

public sealed class TcpCoalescerTests
{
    private static PacketBatch Batch(params byte[][] packets)
    {
        var batch = new PacketBatch(packets.Length + 1, 2000);
        foreach (var packet in packets)
        {
            packet.CopyTo(batch.Buffer.Array.AsSpan(batch.Offsets[batch.Count]));
            batch.Lengths[batch.Count++] = packet.Length;
        }

        return batch;
    }

    private static byte[] Segment(uint sequence, int payload = 1000, byte flags = 0x10, ushort sourcePort = 40000)
        => Packets.Tcp("198.19.0.2", "198.18.200.1", sourcePort, 80, sequence, flags, payload);

    [Fact]
    public void Plan_ContiguousFullSegments_OneItem()
    {
        var batch = Batch(Segment(0), Segment(1000), Segment(2000), Segment(3000, payload: 10, flags: 0x18));
        var coalescer = new TcpCoalescer(16);

        coalescer.Plan(batch);

        Assert.Equal(1, coalescer.ItemCount);
        ref var item = ref coalescer.ItemAt(0);
        Assert.Equal((4, 3010, 1000, true), (item.Count, item.PayloadLength, item.SegmentSize, item.Psh));
    }

    [Fact]
    public void Plan_GapOrFlagsOrShortMiddle_StartsNewItems()
    {
        var batch = Batch(
            Segment(0), Segment(1000),           // item 0
            Segment(3000),                       // gap: item 1
            Segment(4000, payload: 500),         // short: joins item 1 and closes it
            Segment(4500),                       // item 2 (item 1 closed)
            Segment(5500, payload: 0, flags: 0x11), // FIN, no payload: item 3, closes item 2
            Segment(0, sourcePort: 40001));      // other flow: item 4
        var coalescer = new TcpCoalescer(16);

        coalescer.Plan(batch);

        Assert.Equal(5, coalescer.ItemCount);
        Assert.Equal([2, 2, 1, 1, 1], Enumerable.Range(0, 5).Select(i => coalescer.ItemAt(i).Count));
    }

    [Fact]
    public void Plan_InterleavedFlows_EachMergedInOrder()
    {
        var batch = Batch(Segment(0), Segment(0, sourcePort: 40001), Segment(1000), Segment(1000, sourcePort: 40001));
        var coalescer = new TcpCoalescer(16);

        coalescer.Plan(batch);

        Assert.Equal(2, coalescer.ItemCount);
        Assert.Equal(2, coalescer.Next(0));
        Assert.Equal(3, coalescer.Next(1));
        Assert.Equal(-1, coalescer.Next(2));
    }

    [Fact]
    public void Plan_UdpAndPureAcks_NeverMerged()
    {
        var udp = Packets.Udp("198.19.0.2", "198.18.200.1", 1, 2);
        var batch = Batch(udp, udp, Segment(0, payload: 0), Segment(0, payload: 0));
        var coalescer = new TcpCoalescer(16);

        coalescer.Plan(batch);

        Assert.Equal(4, coalescer.ItemCount);
    }
}
