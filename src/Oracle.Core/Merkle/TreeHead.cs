namespace Oracle.Core.Merkle;

/// <summary>A tree's size and its RFC 9162 root at that size (a session log's checkpoint, a log's anchor). Equal by value.</summary>
/// <param name="Size">The number of leaves.</param>
/// <param name="Root">The root (32 bytes).</param>
public sealed record TreeHead(ulong Size, byte[] Root)
{
    /// <summary>The empty tree.</summary>
    public static TreeHead Empty { get; } = new(0, MerkleHash.EmptyRoot.ToArray());

    /// <summary>Whether <paramref name="other"/> has the same size and root.</summary>
    public bool Matches(TreeHead? other) => Equals(other);

    /// <inheritdoc/>
    public bool Equals(TreeHead? other)
        => other is not null && other.Size == Size && (other.Root ?? []).AsSpan().SequenceEqual(Root ?? []);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Size, Root is { Length: >= 4 } ? BitConverter.ToInt32(Root) : 0);

    /// <inheritdoc/>
    public override string ToString() => $"{Size}/0x{Convert.ToHexStringLower(Root)}";
}
