namespace Oracle.Core.Merkle;

/// <summary>
/// An append-only RFC 9162 Merkle tree held in memory. It keeps the hash of every complete (perfect, aligned)
/// subtree, so an append costs O(1) amortized hashes, and a root, inclusion proof or consistency proof for any
/// size up to <see cref="Size"/> costs O(log n). <see cref="StoredMerkleTree"/> is the same tree with its nodes in a
/// store (PostgreSQL); both run the same recursion.
/// </summary>
/// <remarks>Not thread-safe: one writer, or external locking.</remarks>
public sealed class MerkleTree
{
    // _levels[h] holds the hashes of the perfect subtrees of 2^h leaves, left to right, packed 32 bytes each.
    private readonly List<HashList> _levels = [new HashList()];
    private readonly Nodes _nodes;

    /// <summary>Creates an empty tree.</summary>
    public MerkleTree() => _nodes = new Nodes(_levels);

    /// <summary>The number of leaves.</summary>
    public ulong Size => (ulong)_levels[0].Count;

    /// <summary>Appends a leaf (its data; the tree stores only its hash).</summary>
    /// <returns>The leaf's index.</returns>
    public ulong Append(ReadOnlySpan<byte> leafData)
    {
        Span<byte> hash = stackalloc byte[MerkleHash.Size];
        MerkleHash.Leaf(leafData, hash);
        return AppendLeafHash(hash);
    }

    /// <summary>Appends a leaf by its leaf hash (<see cref="MerkleHash.Leaf(ReadOnlySpan{byte})"/>).</summary>
    /// <returns>The leaf's index.</returns>
    public ulong AppendLeafHash(ReadOnlySpan<byte> leafHash)
    {
        if (leafHash.Length != MerkleHash.Size)
        {
            throw new ArgumentException("a leaf hash has 32 bytes", nameof(leafHash));
        }

        var index = Size;
        _levels[0].Add(leafHash);
        Span<byte> parent = stackalloc byte[MerkleHash.Size];
        for (var h = 0; _levels[h].Count % 2 == 0; h++)
        {
            var level = _levels[h];
            MerkleHash.Node(level[level.Count - 2], level[level.Count - 1], parent);
            if (h + 1 == _levels.Count)
            {
                _levels.Add(new HashList());
            }

            _levels[h + 1].Add(parent);
        }

        return index;
    }

    /// <summary>The leaf hash of leaf <paramref name="index"/>.</summary>
    public byte[] LeafHash(ulong index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Size);
        return _levels[0][(int)index].ToArray();
    }

    /// <summary>The root of the whole tree.</summary>
    public byte[] Root() => Root(Size);

    /// <summary>The root the tree had when it held <paramref name="size"/> leaves.</summary>
    public byte[] Root(ulong size)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, Size);
        return MerkleRecursion.Root(_nodes, size);
    }

    /// <summary>The RFC 9162 inclusion proof (audit path) of leaf <paramref name="index"/> in the tree of <paramref name="size"/> leaves.</summary>
    public IReadOnlyList<byte[]> InclusionProof(ulong index, ulong size)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, Size);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, size);
        return MerkleRecursion.InclusionProof(_nodes, index, size);
    }

    /// <summary>The RFC 9162 consistency proof between the trees of <paramref name="size1"/> and <paramref name="size2"/> leaves.</summary>
    /// <remarks>Empty when the sizes are equal or <paramref name="size1"/> is 0 (nothing to prove).</remarks>
    public IReadOnlyList<byte[]> ConsistencyProof(ulong size1, ulong size2)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size2, Size);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size1, size2);
        return MerkleRecursion.ConsistencyProof(_nodes, size1, size2);
    }

    /// <summary>The compact range of the tree's first <paramref name="size"/> leaves (enough to continue or check its root).</summary>
    public CompactRange CompactRange(ulong size)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, Size);
        var nodes = MerkleRecursion.RangeNodes(size);
        var hashes = new byte[nodes.Count][];
        for (var i = 0; i < nodes.Count; i++)
        {
            hashes[i] = new byte[MerkleHash.Size];
            _nodes.Read(nodes[i], hashes[i]);
        }

        return Merkle.CompactRange.Create(size, hashes);
    }

    private sealed class Nodes(List<HashList> levels) : IMerkleNodeSource
    {
        public void Read(MerkleNodeId node, Span<byte> destination) => levels[node.Level][(int)node.Index].CopyTo(destination);
    }

    // A growable array of 32-byte hashes without an object per hash.
    private sealed class HashList
    {
        private byte[] _data = new byte[MerkleHash.Size * 16];

        public int Count { get; private set; }

        public ReadOnlySpan<byte> this[int index] => _data.AsSpan(index * MerkleHash.Size, MerkleHash.Size);

        public void Add(ReadOnlySpan<byte> hash)
        {
            if ((Count + 1) * MerkleHash.Size > _data.Length)
            {
                Array.Resize(ref _data, _data.Length * 2);
            }

            hash.CopyTo(_data.AsSpan(Count * MerkleHash.Size));
            Count++;
        }
    }
}
