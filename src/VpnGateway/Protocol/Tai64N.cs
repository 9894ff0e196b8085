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

    /// <summary>The current time, or one nanosecond after <paramref name="previous"/> when the clock has not moved past it.</summary>
    public static byte[] NowAfter(TimeProvider time, byte[]? previous)
    {
        var now = Now(time);
        if (previous is null || IsAfter(now, previous))
        {
            return now;
        }

        var bumped = (byte[])previous.Clone();
        var seconds = BinaryPrimitives.ReadUInt64BigEndian(bumped);
        var nanoseconds = BinaryPrimitives.ReadUInt32BigEndian(bumped.AsSpan(8)) + 1;
        if (nanoseconds >= 1_000_000_000)
        {
            seconds++;
            nanoseconds = 0;
        }

        BinaryPrimitives.WriteUInt64BigEndian(bumped, seconds);
        BinaryPrimitives.WriteUInt32BigEndian(bumped.AsSpan(8), nanoseconds);
        return bumped;
    }

    /// <summary>How far <paramref name="timestamp"/> lies from the current time (positive: in the past).</summary>
    public static TimeSpan Age(ReadOnlySpan<byte> timestamp, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var seconds = (long)(BinaryPrimitives.ReadUInt64BigEndian(timestamp) - 0x4000000000000000UL);
        var nanoseconds = BinaryPrimitives.ReadUInt32BigEndian(timestamp[8..]);
        var stamped = DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(nanoseconds / 100);
        return time.GetUtcNow() - stamped;
    }

    /// <summary>Whether <paramref name="candidate"/> is strictly later than <paramref name="previous"/>.</summary>
    public static bool IsAfter(ReadOnlySpan<byte> candidate, ReadOnlySpan<byte> previous)
        => candidate.SequenceCompareTo(previous) > 0;
}
