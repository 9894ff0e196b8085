using System.Buffers;
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

    /// <summary>Leaves shorter than this many bytes are hashed from the stack.</summary>
    public const int StackLeafLimit = 256;

    /// <summary>The root of the empty tree: SHA-256 of the empty string.</summary>
    public static ReadOnlySpan<byte> EmptyRoot =>
    [
        0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
        0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
    ];

    /// <summary>
    /// Writes <c>SHA-256(0x00 ‖ leaf)</c> to <paramref name="destination"/>. Allocates nothing: the prefixed leaf is
    /// hashed from a stack buffer (up to <see cref="StackLeafLimit"/> bytes, every flow record) or a pooled one.
    /// </summary>
    public static void Leaf(ReadOnlySpan<byte> leaf, Span<byte> destination)
    {
        if (leaf.Length < StackLeafLimit)
        {
            Span<byte> buffer = stackalloc byte[StackLeafLimit];
            Hash(leaf, buffer, destination);
            return;
        }

        var rented = ArrayPool<byte>.Shared.Rent(leaf.Length + 1);
        try
        {
            Hash(leaf, rented, destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        static void Hash(ReadOnlySpan<byte> leaf, Span<byte> buffer, Span<byte> destination)
        {
            buffer[0] = 0x00;
            leaf.CopyTo(buffer[1..]);
            SHA256.HashData(buffer[..(leaf.Length + 1)], destination);
        }
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
