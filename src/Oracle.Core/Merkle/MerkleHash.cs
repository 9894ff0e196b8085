using System.Security.Cryptography;

namespace Oracle.Core.Merkle;

/// <summary>
/// The hashes of RFC 9162 (Certificate Transparency v2) Merkle trees over SHA-256: leaves are hashed with a 0x00
/// prefix and interior nodes with 0x01, so a leaf can never be passed off as a node (second-preimage resistance).
/// </summary>
public static class MerkleHash
{
    /// <summary>The length of every hash, in bytes.</summary>
    public const int Size = 32;

    /// <summary>The root of the empty tree: SHA-256 of the empty string.</summary>
    public static ReadOnlySpan<byte> EmptyRoot =>
    [
        0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
        0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
    ];

    /// <summary>Writes <c>SHA-256(0x00 ‖ leaf)</c> to <paramref name="destination"/>.</summary>
    public static void Leaf(ReadOnlySpan<byte> leaf, Span<byte> destination)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        ReadOnlySpan<byte> prefix = [0x00];
        sha.AppendData(prefix);
        sha.AppendData(leaf);
        sha.GetHashAndReset(destination);
    }

    /// <summary>Returns <c>SHA-256(0x00 ‖ leaf)</c>.</summary>
    public static byte[] Leaf(ReadOnlySpan<byte> leaf)
    {
        var hash = new byte[Size];
        Leaf(leaf, hash);
        return hash;
    }

    /// <summary>Writes <c>SHA-256(0x01 ‖ left ‖ right)</c> to <paramref name="destination"/>.</summary>
    public static void Node(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        Span<byte> buffer = stackalloc byte[1 + (2 * Size)];
        buffer[0] = 0x01;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + Size)..]);
        SHA256.HashData(buffer, destination);
    }

    /// <summary>Returns <c>SHA-256(0x01 ‖ left ‖ right)</c>.</summary>
    public static byte[] Node(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var hash = new byte[Size];
        Node(left, right, hash);
        return hash;
    }
}
