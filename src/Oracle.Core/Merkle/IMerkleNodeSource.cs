namespace Oracle.Core.Merkle;

/// <summary>Synchronous access to the stored nodes of a tree, for <see cref="MerkleRecursion"/>.</summary>
internal interface IMerkleNodeSource
{
    /// <summary>Writes the hash of <paramref name="node"/> to <paramref name="destination"/>.</summary>
    void Read(MerkleNodeId node, Span<byte> destination);
}
