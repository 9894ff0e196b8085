using System.Numerics;

namespace Oracle.Core.Merkle;

/// <summary>
/// The compact range of an RFC 9162 tree: the hashes of the perfect subtrees that cover its first <see cref="Size"/>
/// leaves, largest (leftmost) first — one per set bit of the size, at most 64 hashes. It gives the tree's root and lets
/// leaves be appended (each new node is made from it), without the rest of the tree: a verifier keeps a session's log in
/// O(log n) memory, and an evidence batch carries the range its records continue (so its root is checked from the batch
/// alone). The same thing is called a "compact range" in transparency-dev/merkle and the frontier of the log elsewhere.
/// </summary>
/// <remarks>Not thread-safe. <see cref="Clone"/> before a speculative append.</remarks>
public sealed class CompactRange
{
    private readonly List<byte[]> _hashes;

    private CompactRange(ulong size, List<byte[]> hashes)
    {
        Size = size;
        _hashes = hashes;
    }

    /// <summary>The range of the empty tree.</summary>
    public static CompactRange Empty => new(0, []);

    /// <summary>The number of leaves covered.</summary>
    public ulong Size { get; private set; }

    /// <summary>The subtree hashes, largest first (32 bytes each; copies).</summary>
    public IReadOnlyList<byte[]> Hashes => [.. _hashes.Select(h => h.ToArray())];

    /// <summary>The range of a tree of <paramref name="size"/> leaves from its subtree hashes, largest first.</summary>
    /// <returns>False when the count is not the number of set bits of the size, or a hash is not 32 bytes.</returns>
    public static bool TryCreate(ulong size, IReadOnlyList<byte[]>? hashes, out CompactRange range)
    {
        range = Empty;
        if (hashes is null || hashes.Count != BitOperations.PopCount(size) || hashes.Any(h => h is not { Length: MerkleHash.Size }))
        {
            return false;
        }

        range = new CompactRange(size, [.. hashes.Select(h => h.ToArray())]);
        return true;
    }

    /// <summary>As <see cref="TryCreate"/>, throwing <see cref="ArgumentException"/> on a malformed range.</summary>
    public static CompactRange Create(ulong size, IReadOnlyList<byte[]> hashes)
        => TryCreate(size, hashes, out var range)
            ? range
            : throw new ArgumentException($"a compact range of {size} leaves has {BitOperations.PopCount(size)} hashes of 32 bytes", nameof(hashes));

    /// <summary>The nodes this range is made of (<see cref="MerkleNodeId"/>), largest first, for a store.</summary>
    public static IReadOnlyList<MerkleNodeId> NodesOf(ulong size) => MerkleRecursion.RangeNodes(size);

    /// <summary>Appends a leaf by its leaf hash.</summary>
    public void Append(ReadOnlySpan<byte> leafHash) => Append(leafHash, null);

    /// <summary>
    /// Appends a leaf by its leaf hash, reporting every perfect subtree it completes (the leaf itself first) to
    /// <paramref name="created"/>: the nodes a store must write.
    /// </summary>
    public void Append(ReadOnlySpan<byte> leafHash, Action<MerkleNodeId, byte[]>? created)
    {
        if (leafHash.Length != MerkleHash.Size)
        {
            throw new ArgumentException("a leaf hash has 32 bytes", nameof(leafHash));
        }

        var node = leafHash.ToArray();
        var index = Size;
        var level = 0;
        created?.Invoke(new MerkleNodeId(0, index), node);
        for (var s = Size; (s & 1) == 1; s >>= 1)
        {
            var left = _hashes[^1];
            _hashes.RemoveAt(_hashes.Count - 1);
            node = MerkleHash.Node(left, node);
            level++;
            index >>= 1;
            created?.Invoke(new MerkleNodeId(level, index), node);
        }

        _hashes.Add(node);
        Size++;
    }

    /// <summary>The root of the covered tree (<see cref="MerkleHash.EmptyRoot"/> when empty).</summary>
    public byte[] Root()
    {
        if (_hashes.Count == 0)
        {
            return MerkleHash.EmptyRoot.ToArray();
        }

        var root = _hashes[^1].ToArray();
        for (var i = _hashes.Count - 2; i >= 0; i--)
        {
            MerkleHash.Node(_hashes[i], root, root);
        }

        return root;
    }

    /// <summary>The covered tree's head.</summary>
    public TreeHead Head() => new(Size, Root());

    /// <summary>An independent copy.</summary>
    public CompactRange Clone() => new(Size, [.. _hashes.Select(h => h.ToArray())]);
}
