using VpnGateway.Tun;

namespace VpnGateway.Tests.Tun;

public sealed class ChecksumTests
{
    [Fact]
    public void Add_RandomData_MatchesNaiveRfc1071()
    {
        var random = new Random(11);
        for (var length = 0; length < 300; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);

            Assert.Equal(Naive(data), Checksum.Fold(Checksum.Add(data)));
        }
    }

    [Fact]
    public void Finish_PacketWithItsChecksum_FoldsToAllOnes()
    {
        var packet = Doubles.Packets.Udp("198.18.0.1", "198.18.0.2", 1, 2, payload: 77);

        Assert.True(Doubles.Packets.ChecksumsValid(packet));
        packet[40] ^= 0xFF;
        Assert.False(Doubles.Packets.ChecksumsValid(packet));
    }

    private static ushort Naive(byte[] data)
    {
        uint sum = 0;
        for (var i = 0; i + 1 < data.Length; i += 2)
        {
            sum += (uint)((data[i] << 8) | data[i + 1]);
        }

        if (data.Length % 2 == 1)
        {
            sum += (uint)(data[^1] << 8);
        }

        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)sum;
    }
}
