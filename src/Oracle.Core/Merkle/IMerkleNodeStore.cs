namespace Oracle.Core.Merkle;

/// <summary>
/// Where a <see cref="StoredMerkleTree"/> keeps its nodes (the hashes of perfect subtrees, <see cref="MerkleNodeId"/>):
/// a PostgreSQL table or tiles in the evidence collector, memory in tests (<see cref="MemoryMerkleNodeStore"/>). The
/// tree asks for every node one operation needs in one call, so a store can answer a root or a proof with one query.
/// </summary>
/// <remarks>
/// The store does not decide what the tree's size is: the caller (the collector's sequencer) keeps the head and asks
/// the tree for what it needs at a size. Nodes are immutable once written: a node is a function of its leaves, and a
/// write of a node already held must carry the same hash (a different one means the log forked: fail loudly).
/// </remarks>
public interface IMerkleNodeStore
{
    /// <summary>Reads the hashes of <paramref name="nodes"/>, 32 bytes each, in order, into <paramref name="hashes"/>.</summary>
    /// <param name="nodes">Nodes that were written (the tree asks only for nodes below a size it was given).</param>
    /// <param name="hashes">The destination, <c>32 × nodes.Count</c> bytes.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="KeyNotFoundException">A node was never written.</exception>
    ValueTask ReadAsync(IReadOnlyList<MerkleNodeId> nodes, Memory<byte> hashes, CancellationToken cancellationToken);

    /// <summary>Writes <paramref name="nodes"/> with their hashes (32 bytes each, in order), durably, in one operation.</summary>
    /// <param name="nodes">The nodes an append created (leaves and the perfect subtrees they completed).</param>
    /// <param name="hashes">Their hashes, <c>32 × nodes.Count</c> bytes.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    ValueTask WriteAsync(IReadOnlyList<MerkleNodeId> nodes, ReadOnlyMemory<byte> hashes, CancellationToken cancellationToken);
}
