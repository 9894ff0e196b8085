using System.Buffers.Binary;

namespace VpnGateway.Tun;

/// <summary>The 10-byte <c>struct virtio_net_hdr</c> that precedes every packet on a TUN device opened with IFF_VNET_HDR.</summary>
internal static class VirtioNetHeader
{
    public const int Size = 10;
    public const byte FlagNeedsChecksum = 1;
    public const byte GsoNone = 0;
    public const byte GsoTcpV4 = 1;
    public const byte GsoUdp = 3;
    public const byte GsoTcpV6 = 4;
    public const byte GsoUdpL4 = 5;
    public const byte GsoEcn = 0x80;

    public static void WriteNone(Span<byte> header) => header[..Size].Clear();

    public static void Write(Span<byte> header, byte flags, byte gsoType, int headerLength, int gsoSize, int checksumStart, int checksumOffset)
    {
        header[0] = flags;
        header[1] = gsoType;
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], (ushort)headerLength);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], (ushort)gsoSize);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], (ushort)checksumStart);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], (ushort)checksumOffset);
    }
}
