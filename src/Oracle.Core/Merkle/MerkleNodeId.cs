namespace Oracle.Core.Merkle;

/// <summary>
/// A stored node of an RFC 9162 tree: the perfect subtree of <c>2^Level</c> leaves starting at leaf
/// <c>Index × 2^Level</c> (level 0: a leaf hash). Every root and proof of a tree is computed from O(log n) such nodes,
/// which is all a store keeps (<see cref="IMerkleNodeStore"/>); C2SP tlog-tiles store the same nodes, 256 to a tile.
/// </summary>
/// <param name="Level">The subtree's height: 0 for a leaf, at most 63.</param>
/// <param name="Index">Its position among the subtrees of that height, from the left.</param>
public readonly record struct MerkleNodeId(int Level, ulong Index)
{
    /// <summary>The first leaf the node covers.</summary>
    public ulong FirstLeaf => Index << Level;

    /// <summary>The number of leaves it covers.</summary>
    public ulong Leaves => 1UL << Level;

    /// <inheritdoc/>
    public override string ToString() => $"{Level}/{Index}";
}
