using System.Buffers.Binary;

namespace VpnGateway.Protocol;

/// <summary>TAI64N timestamps (12 bytes: 2^62 + seconds, nanoseconds; big-endian), the initiation's replay guard.</summary>
internal static class Tai64N
{
    public const int Size = 12;

    public static byte[] Now(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNow();
        var bytes = new byte[Size];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, 0x4000000000000000UL + (ulong)now.ToUnixTimeSeconds());
        // Millisecond resolution is enough to order handshakes and leaks less about the clock.
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(8), (uint)(now.Millisecond * 1_000_000));
        return bytes;
    }

    /// <summary>Whether <paramref name="candidate"/> is strictly later than <paramref name="previous"/>.</summary>
    public static bool IsAfter(ReadOnlySpan<byte> candidate, ReadOnlySpan<byte> previous)
        => candidate.SequenceCompareTo(previous) > 0;
}
