using System.Buffers.Binary;
using VpnGateway.Tests.Doubles;
using VpnGateway.Tun;

namespace VpnGateway.Tests.Tun;

public sealed class TcpSegmenterTests
{
    [Fact]
    public void WriteSegment_SuperPacket_SplitsLikeKernelTso()
    {
        // A 10 000-byte TCP super-packet with timestamps, PSH and FIN, to be cut at MSS 1368.
        byte[] options = [1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2];
        var super = Packets.Tcp("198.19.0.2", "198.18.200.1", 40000, 80, 1_000_000, flags: 0x10 | 0x08 | 0x01 | 0x80, payload: 10_000, options: options);
        Assert.True(TcpSegmenter.TryPlan(super, 20, 1368, out var headers, out var segments));
        Assert.Equal(52, headers);
        Assert.Equal(8, segments);

        var payload = new List<byte>();
        for (var i = 0; i < segments; i++)
        {
            var slot = new byte[2000];
            var length = TcpSegmenter.WriteSegment(super, headers, 20, 1368, i, segments, slot);
            var segment = slot.AsSpan(0, length);

            Assert.True(Packets.ChecksumsValid(segment), $"segment {i} checksums");
            Assert.Equal(length, BinaryPrimitives.ReadUInt16BigEndian(segment[2..]));
            Assert.Equal((ushort)(0x1234 + i), BinaryPrimitives.ReadUInt16BigEndian(segment[4..]));
            Assert.Equal(1_000_000u + (uint)(i * 1368), BinaryPrimitives.ReadUInt32BigEndian(segment[24..]));
            var flags = segment[33];
            Assert.Equal(i == segments - 1, (flags & 0x09) == 0x09);
            Assert.Equal(i == 0, (flags & 0x80) != 0);
            Assert.Equal(options, segment.Slice(40, 12).ToArray());
            payload.AddRange(segment[headers..].ToArray());
        }

        Assert.Equal(super.AsSpan(headers).ToArray(), payload.ToArray());
    }

    [Fact]
    public void CompleteChecksum_PartialPseudoHeaderSum_BecomesValid()
    {
        var packet = Packets.Udp("198.19.0.2", "198.18.200.1", 1000, 53, payload: 61);
        // What the kernel hands over with NEEDS_CSUM: the field holds the pseudo-header sum only.
        var pseudo = Checksum.PseudoHeader(packet, 17, packet.Length - 20);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(26), Checksum.Fold(pseudo));
        Assert.False(Packets.ChecksumsValid(packet));

        Assert.True(TcpSegmenter.CompleteChecksum(packet, 20, 6));

        Assert.True(Packets.ChecksumsValid(packet));
    }

    [Fact]
    public void TryPlan_NotTcpOrInconsistent_Refused()
    {
        var udp = Packets.Udp("198.19.0.2", "198.18.200.1", 1000, 53, payload: 3000);
        var tcp = Packets.Tcp("198.19.0.2", "198.18.200.1", 1, 2, 3, payload: 100);

        Assert.False(TcpSegmenter.TryPlan(udp, 20, 1000, out _, out _));
        Assert.False(TcpSegmenter.TryPlan(tcp, 24, 1000, out _, out _));
        Assert.False(TcpSegmenter.TryPlan(tcp, 20, 0, out _, out _));
        Assert.False(TcpSegmenter.TryPlan(tcp.AsSpan(0, 30), 20, 1000, out _, out _));
    }
}
