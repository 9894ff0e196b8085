using System.Buffers.Binary;
using VpnGateway.Crypto;

namespace VpnGateway.Protocol;

/// <summary>
/// The encrypted payload of a handshake initiation (115 bytes): TAI64N timestamp (12), cipher suite (1), flags (1),
/// session id (8), the client's Ethereum address (20), the authorisation's notAfter (8) and its EIP-712 signature (65).
/// </summary>
internal readonly record struct InitiationPayloadLayout(byte[] Timestamp, CipherSuite Suite, byte Flags, ulong SessionId, byte[] ClientAddress, ulong NotAfter, byte[] Signature)
{
    public const int Size = 12 + 1 + 1 + 8 + 20 + 8 + 65;

    /// <summary>Flag: the payload carries a TunnelAuthorization signature (else address and signature are zero).</summary>
    public const byte FlagAuthorized = 0x01;

    public void Write(Span<byte> destination)
    {
        Timestamp.CopyTo(destination);
        destination[12] = (byte)Suite;
        destination[13] = Flags;
        BinaryPrimitives.WriteUInt64BigEndian(destination[14..], SessionId);
        ClientAddress.CopyTo(destination[22..]);
        BinaryPrimitives.WriteUInt64BigEndian(destination[42..], NotAfter);
        Signature.CopyTo(destination[50..]);
    }

    public static InitiationPayloadLayout Read(ReadOnlySpan<byte> source) => new(
        source[..12].ToArray(),
        (CipherSuite)source[12],
        source[13],
        BinaryPrimitives.ReadUInt64BigEndian(source[14..]),
        source.Slice(22, 20).ToArray(),
        BinaryPrimitives.ReadUInt64BigEndian(source[42..]),
        source.Slice(50, 65).ToArray());
}
