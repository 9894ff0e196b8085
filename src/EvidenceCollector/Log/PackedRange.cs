using Oracle.Core.Merkle;

namespace EvidenceCollector.Log;

/// <summary>A <see cref="CompactRange"/> in a bytea column: its hashes concatenated, largest subtree first.</summary>
internal static class PackedRange
{
    /// <summary>The column value of <paramref name="range"/>.</summary>
    public static byte[] Pack(CompactRange range)
    {
        ArgumentNullException.ThrowIfNull(range);
        return [.. range.Hashes.SelectMany(h => h)];
    }

    /// <summary>The range of <paramref name="size"/> leaves stored as <paramref name="packed"/>.</summary>
    /// <exception cref="InvalidDataException">The column does not hold a range of that size.</exception>
    public static CompactRange Unpack(ulong size, byte[] packed)
    {
        ArgumentNullException.ThrowIfNull(packed);
        var hashes = packed.Chunk(MerkleHash.Size).ToList();
        return CompactRange.TryCreate(size, hashes, out var range)
            ? range
            : throw new InvalidDataException($"a stored compact range of {size} leaves has {packed.Length} bytes");
    }
}
