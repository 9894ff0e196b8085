using System.Numerics;

namespace Oracle.Core.Merkle;

/// <summary>
/// The RFC 9162 definitions (MTH, PATH, SUBPROOF of §2.1) over stored perfect subtrees, shared by the in-memory
/// <see cref="MerkleTree"/> and the store-backed <see cref="StoredMerkleTree"/>. Every range the recursion asks for
/// starts at a multiple of the largest power of two not above its length, so its left part is always a stored node:
/// a root or a proof costs O(log n) node reads. The control flow never depends on the hashes, so running it once with
/// a recording source lists the nodes an operation needs (<see cref="Plan"/>).
/// </summary>
internal static class MerkleRecursion
{
    /// <summary>The root of the tree's first <paramref name="size"/> leaves.</summary>
    public static byte[] Root(IMerkleNodeSource source, ulong size)
    {
        if (size == 0)
        {
            return MerkleHash.EmptyRoot.ToArray();
        }

        var root = new byte[MerkleHash.Size];
        SubtreeHash(source, 0, size, root);
        return root;
    }

    /// <summary>PATH(index, D[0:size]), leaf to root.</summary>
    public static List<byte[]> InclusionProof(IMerkleNodeSource source, ulong index, ulong size)
    {
        var proof = new List<byte[]>();
        Path(source, index, 0, size, proof);
        return proof;
    }

    /// <summary>PROOF(size1, D[0:size2]); empty when the sizes are equal or <paramref name="size1"/> is 0.</summary>
    public static List<byte[]> ConsistencyProof(IMerkleNodeSource source, ulong size1, ulong size2)
    {
        var proof = new List<byte[]>();
        if (size1 > 0 && size1 < size2)
        {
            SubProof(source, size1, 0, size2, complete: true, proof);
        }

        return proof;
    }

    /// <summary>The nodes of the compact range of <paramref name="size"/> leaves: the perfect subtrees covering them, largest first.</summary>
    public static List<MerkleNodeId> RangeNodes(ulong size)
    {
        var nodes = new List<MerkleNodeId>(BitOperations.PopCount(size));
        ulong start = 0;
        for (var level = 63; level >= 0; level--)
        {
            if ((size & (1UL << level)) != 0)
            {
                nodes.Add(new MerkleNodeId(level, start >> level));
                start += 1UL << level;
            }
        }

        return nodes;
    }

    /// <summary>The nodes <paramref name="operation"/> reads, in first-read order, without duplicates.</summary>
    public static List<MerkleNodeId> Plan(Action<IMerkleNodeSource> operation)
    {
        var recorder = new Recorder();
        operation(recorder);
        return recorder.Nodes;
    }

    /// <summary>The largest power of two smaller than <paramref name="n"/> (n &gt; 1).</summary>
    public static ulong SplitPoint(ulong n) => BitOperations.RoundUpToPowerOf2(n) >> 1;

    // MTH(D[start:start+n]).
    public static void SubtreeHash(IMerkleNodeSource source, ulong start, ulong n, Span<byte> destination)
    {
        if (BitOperations.IsPow2(n) && start % n == 0)
        {
            var level = BitOperations.Log2(n);
            source.Read(new MerkleNodeId(level, start >> level), destination);
            return;
        }

        var k = SplitPoint(n);
        Span<byte> left = stackalloc byte[MerkleHash.Size];
        Span<byte> right = stackalloc byte[MerkleHash.Size];
        SubtreeHash(source, start, k, left);
        SubtreeHash(source, start + k, n - k, right);
        MerkleHash.Node(left, right, destination);
    }

    private static byte[] SubtreeHash(IMerkleNodeSource source, ulong start, ulong n)
    {
        var hash = new byte[MerkleHash.Size];
        SubtreeHash(source, start, n, hash);
        return hash;
    }

    // PATH(m, D[start:start+n]) of RFC 9162 §2.1.3.1.
    private static void Path(IMerkleNodeSource source, ulong m, ulong start, ulong n, List<byte[]> proof)
    {
        if (n <= 1)
        {
            return;
        }

        var k = SplitPoint(n);
        if (m < k)
        {
            Path(source, m, start, k, proof);
            proof.Add(SubtreeHash(source, start + k, n - k));
        }
        else
        {
            Path(source, m - k, start + k, n - k, proof);
            proof.Add(SubtreeHash(source, start, k));
        }
    }

    // SUBPROOF(m, D[start:start+n], b) of RFC 9162 §2.1.4.1.
    private static void SubProof(IMerkleNodeSource source, ulong m, ulong start, ulong n, bool complete, List<byte[]> proof)
    {
        if (m == n)
        {
            if (!complete)
            {
                proof.Add(SubtreeHash(source, start, n));
            }

            return;
        }

        var k = SplitPoint(n);
        if (m <= k)
        {
            SubProof(source, m, start, k, complete, proof);
            proof.Add(SubtreeHash(source, start + k, n - k));
        }
        else
        {
            SubProof(source, m - k, start + k, n - k, complete: false, proof);
            proof.Add(SubtreeHash(source, start, k));
        }
    }

    private sealed class Recorder : IMerkleNodeSource
    {
        private readonly HashSet<MerkleNodeId> _seen = [];

        public List<MerkleNodeId> Nodes { get; } = [];

        public void Read(MerkleNodeId node, Span<byte> destination)
        {
            if (_seen.Add(node))
            {
                Nodes.Add(node);
            }

            destination.Clear();
        }
    }
}
