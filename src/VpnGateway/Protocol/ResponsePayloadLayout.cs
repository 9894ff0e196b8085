using System.Buffers.Binary;
using VpnGateway.Crypto;

namespace VpnGateway.Protocol;

/// <summary>
/// The encrypted payload of a handshake response (80 bytes): status (1), cipher suite (1), MTU (2), keepalive seconds
/// (2), client IPv4 address (4) and prefix length (1), gateway IPv4 address (4), client IPv6 address (16) and prefix
/// length (1), gateway IPv6 address (16), and the Keccak-256 hash of the session's policy document (32). Zero
/// prefix lengths mean "no address of that family".
/// </summary>
internal readonly record struct ResponsePayloadLayout(
    HandshakeStatus Status, CipherSuite Suite, ushort Mtu, ushort KeepaliveSeconds,
    uint ClientIPv4, byte ClientIPv4PrefixLength, uint GatewayIPv4,
    UInt128 ClientIPv6, byte ClientIPv6PrefixLength, UInt128 GatewayIPv6, byte[] PolicyHash)
{
    public const int Size = 1 + 1 + 2 + 2 + 4 + 1 + 4 + 16 + 1 + 16 + 32;

    public static ResponsePayloadLayout Rejected(HandshakeStatus status)
        => new(status, 0, 0, 0, 0, 0, 0, 0, 0, 0, new byte[32]);

    /// <summary>A <see cref="HandshakeStatus.Successor"/> answer: the session to continue as, in bytes 2–9 (big-endian).</summary>
    public static void WriteSuccessor(Span<byte> destination, ulong successor)
    {
        Rejected(HandshakeStatus.Successor).Write(destination);
        BinaryPrimitives.WriteUInt64BigEndian(destination[2..], successor);
    }

    /// <summary>The successor session of a <see cref="HandshakeStatus.Successor"/> answer.</summary>
    public static ulong ReadSuccessor(ReadOnlySpan<byte> source) => BinaryPrimitives.ReadUInt64BigEndian(source[2..]);

    public void Write(Span<byte> destination)
    {
        destination[0] = (byte)Status;
        destination[1] = (byte)Suite;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], Mtu);
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], KeepaliveSeconds);
        BinaryPrimitives.WriteUInt32BigEndian(destination[6..], ClientIPv4);
        destination[10] = ClientIPv4PrefixLength;
        BinaryPrimitives.WriteUInt32BigEndian(destination[11..], GatewayIPv4);
        BinaryPrimitives.WriteUInt128BigEndian(destination[15..], ClientIPv6);
        destination[31] = ClientIPv6PrefixLength;
        BinaryPrimitives.WriteUInt128BigEndian(destination[32..], GatewayIPv6);
        PolicyHash.CopyTo(destination[48..]);
    }

    public static ResponsePayloadLayout Read(ReadOnlySpan<byte> source) => new(
        (HandshakeStatus)source[0],
        (CipherSuite)source[1],
        BinaryPrimitives.ReadUInt16BigEndian(source[2..]),
        BinaryPrimitives.ReadUInt16BigEndian(source[4..]),
        BinaryPrimitives.ReadUInt32BigEndian(source[6..]),
        source[10],
        BinaryPrimitives.ReadUInt32BigEndian(source[11..]),
        BinaryPrimitives.ReadUInt128BigEndian(source[15..]),
        source[31],
        BinaryPrimitives.ReadUInt128BigEndian(source[32..]),
        source.Slice(48, 32).ToArray());
}
