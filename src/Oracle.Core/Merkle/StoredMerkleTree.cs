namespace Oracle.Core.Merkle;

/// <summary>
/// An RFC 9162 tree whose nodes live in an <see cref="IMerkleNodeStore"/> (the evidence collector's global log in
/// PostgreSQL): appends write the new nodes in one call, and a root or a proof at any size reads the O(log n) nodes it
/// needs in one call. It computes exactly what <see cref="MerkleTree"/> computes (the same recursion).
/// </summary>
/// <remarks>
/// The tree does not know its size: the caller keeps the head (the collector's sequencer, one writer at a time) and
/// passes sizes. Reads at sizes up to the head are safe alongside an append (nodes are immutable).
/// </remarks>
public sealed class StoredMerkleTree(IMerkleNodeStore store)
{
    private readonly IMerkleNodeStore _store = store ?? throw new ArgumentNullException(nameof(store));

    /// <summary>The compact range of the first <paramref name="size"/> leaves.</summary>
    public async ValueTask<CompactRange> CompactRangeAsync(ulong size, CancellationToken cancellationToken)
    {
        var nodes = CompactRange.NodesOf(size);
        var hashes = await ReadAsync(nodes, cancellationToken).ConfigureAwait(false);
        return CompactRange.Create(size, [.. nodes.Select(n => hashes[n])]);
    }

    /// <summary>
    /// Appends <paramref name="leafHashes"/> to the tree of <paramref name="size"/> leaves and writes every node this
    /// creates. Returns the new head. The caller must own the head (no concurrent append at the same size).
    /// </summary>
    public async ValueTask<TreeHead> AppendAsync(ulong size, IReadOnlyList<byte[]> leafHashes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        var range = await CompactRangeAsync(size, cancellationToken).ConfigureAwait(false);
        var nodes = new List<MerkleNodeId>(leafHashes.Count * 2);
        var hashes = new List<byte[]>(leafHashes.Count * 2);
        foreach (var leaf in leafHashes)
        {
            range.Append(leaf, (node, hash) =>
            {
                nodes.Add(node);
                hashes.Add(hash);
            });
        }

        if (nodes.Count > 0)
        {
            var packed = new byte[nodes.Count * MerkleHash.Size];
            for (var i = 0; i < hashes.Count; i++)
            {
                hashes[i].CopyTo(packed, i * MerkleHash.Size);
            }

            await _store.WriteAsync(nodes, packed, cancellationToken).ConfigureAwait(false);
        }

        return range.Head();
    }

    /// <summary>The root at <paramref name="size"/> leaves.</summary>
    public async ValueTask<byte[]> RootAsync(ulong size, CancellationToken cancellationToken)
    {
        var source = await FetchAsync(s => MerkleRecursion.Root(s, size), cancellationToken).ConfigureAwait(false);
        return MerkleRecursion.Root(source, size);
    }

    /// <summary>The inclusion proof of leaf <paramref name="index"/> in the tree of <paramref name="size"/> leaves.</summary>
    public async ValueTask<IReadOnlyList<byte[]>> InclusionProofAsync(ulong index, ulong size, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, size);
        var source = await FetchAsync(s => MerkleRecursion.InclusionProof(s, index, size), cancellationToken).ConfigureAwait(false);
        return MerkleRecursion.InclusionProof(source, index, size);
    }

    /// <summary>
    /// The nodes <see cref="InclusionProofAsync"/> reads from the store (one call, in this order) for leaf
    /// <paramref name="index"/> of the tree of <paramref name="size"/> leaves, so a caller can fetch them ahead in the
    /// same round trip as other reads and serve them from a store that already holds them.
    /// </summary>
    public static IReadOnlyList<MerkleNodeId> InclusionProofNodes(ulong index, ulong size)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, size);
        return MerkleRecursion.Plan(s => MerkleRecursion.InclusionProof(s, index, size));
    }

    /// <summary>The consistency proof from <paramref name="size1"/> to <paramref name="size2"/> leaves (empty when equal or from 0).</summary>
    public async ValueTask<IReadOnlyList<byte[]>> ConsistencyProofAsync(ulong size1, ulong size2, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size1, size2);
        var source = await FetchAsync(s => MerkleRecursion.ConsistencyProof(s, size1, size2), cancellationToken).ConfigureAwait(false);
        return MerkleRecursion.ConsistencyProof(source, size1, size2);
    }

    private async ValueTask<Fetched> FetchAsync(Action<IMerkleNodeSource> operation, CancellationToken cancellationToken)
        => new(await ReadAsync(MerkleRecursion.Plan(operation), cancellationToken).ConfigureAwait(false));

    private async ValueTask<Dictionary<MerkleNodeId, byte[]>> ReadAsync(IReadOnlyList<MerkleNodeId> nodes, CancellationToken cancellationToken)
    {
        var result = new Dictionary<MerkleNodeId, byte[]>(nodes.Count);
        if (nodes.Count == 0)
        {
            return result;
        }

        var packed = new byte[nodes.Count * MerkleHash.Size];
        await _store.ReadAsync(nodes, packed, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < nodes.Count; i++)
        {
            result[nodes[i]] = packed.AsSpan(i * MerkleHash.Size, MerkleHash.Size).ToArray();
        }

        return result;
    }

    private sealed class Fetched(Dictionary<MerkleNodeId, byte[]> nodes) : IMerkleNodeSource
    {
        public void Read(MerkleNodeId node, Span<byte> destination) => nodes[node].CopyTo(destination);
    }
}
