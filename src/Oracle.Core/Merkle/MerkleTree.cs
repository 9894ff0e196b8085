using System.Numerics;

namespace Oracle.Core.Merkle;

/// <summary>
/// An append-only RFC 9162 Merkle tree held in memory. It keeps the hash of every complete (perfect, aligned)
/// subtree, so an append costs O(1) amortized hashes, and a root, inclusion proof or consistency proof for any
/// size up to <see cref="Size"/> costs O(log n).
/// </summary>
/// <remarks>Not thread-safe: one writer, or external locking.</remarks>
public sealed class MerkleTree
{
    // _levels[h] holds the hashes of the perfect subtrees of 2^h leaves, left to right, packed 32 bytes each.
    private readonly List<HashList> _levels = [new HashList()];

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
        if (size == 0)
        {
            return MerkleHash.EmptyRoot.ToArray();
        }

        var root = new byte[MerkleHash.Size];
        SubtreeHash(0, size, root);
        return root;
    }

    /// <summary>The RFC 9162 inclusion proof (audit path) of leaf <paramref name="index"/> in the tree of <paramref name="size"/> leaves.</summary>
    public IReadOnlyList<byte[]> InclusionProof(ulong index, ulong size)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, Size);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, size);
        var proof = new List<byte[]>();
        Path(index, 0, size, proof);
        return proof;
    }

    /// <summary>The RFC 9162 consistency proof between the trees of <paramref name="size1"/> and <paramref name="size2"/> leaves.</summary>
    /// <remarks>Empty when the sizes are equal or <paramref name="size1"/> is 0 (nothing to prove).</remarks>
    public IReadOnlyList<byte[]> ConsistencyProof(ulong size1, ulong size2)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size2, Size);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size1, size2);
        var proof = new List<byte[]>();
        if (size1 > 0 && size1 < size2)
        {
            SubProof(size1, 0, size2, complete: true, proof);
        }

        return proof;
    }

    // PATH(m, D[start:start+n]) of RFC 9162 §2.1.3.1, leaf to root.
    private void Path(ulong m, ulong start, ulong n, List<byte[]> proof)
    {
        if (n <= 1)
        {
            return;
        }

        var k = SplitPoint(n);
        if (m < k)
        {
            Path(m, start, k, proof);
            proof.Add(SubtreeHash(start + k, n - k));
        }
        else
        {
            Path(m - k, start + k, n - k, proof);
            proof.Add(SubtreeHash(start, k));
        }
    }

    // SUBPROOF(m, D[start:start+n], b) of RFC 9162 §2.1.4.1.
    private void SubProof(ulong m, ulong start, ulong n, bool complete, List<byte[]> proof)
    {
        if (m == n)
        {
            if (!complete)
            {
                proof.Add(SubtreeHash(start, n));
            }

            return;
        }

        var k = SplitPoint(n);
        if (m <= k)
        {
            SubProof(m, start, k, complete, proof);
            proof.Add(SubtreeHash(start + k, n - k));
        }
        else
        {
            SubProof(m - k, start + k, n - k, complete: false, proof);
            proof.Add(SubtreeHash(start, k));
        }
    }

    private byte[] SubtreeHash(ulong start, ulong n)
    {
        var hash = new byte[MerkleHash.Size];
        SubtreeHash(start, n, hash);
        return hash;
    }

    // MTH(D[start:start+n]). Every range the RFC recursion asks for starts at a multiple of the largest power of
    // two not above n, so the left part is always a stored perfect subtree: O(log n) hashes.
    private void SubtreeHash(ulong start, ulong n, Span<byte> destination)
    {
        if (BitOperations.IsPow2(n) && start % n == 0)
        {
            var h = BitOperations.Log2(n);
            _levels[h][(int)(start >> h)].CopyTo(destination);
            return;
        }

        var k = SplitPoint(n);
        Span<byte> left = stackalloc byte[MerkleHash.Size];
        Span<byte> right = stackalloc byte[MerkleHash.Size];
        SubtreeHash(start, k, left);
        SubtreeHash(start + k, n - k, right);
        MerkleHash.Node(left, right, destination);
    }

    /// <summary>The largest power of two smaller than <paramref name="n"/> (n &gt; 1).</summary>
    internal static ulong SplitPoint(ulong n) => BitOperations.RoundUpToPowerOf2(n) >> 1;

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
