using System.Numerics;

namespace Oracle.Core.Merkle;

/// <summary>
/// Verification of RFC 9162 inclusion proofs (§2.1.3.2) and consistency proofs (§2.1.4.2). Pure functions: the same
/// algorithm runs on-chain in contracts/src/libraries and in every oracle node.
/// </summary>
public static class MerkleProofs
{
    /// <summary>
    /// Whether <paramref name="proof"/> proves that the leaf with hash <paramref name="leafHash"/> is leaf
    /// <paramref name="index"/> of the tree of <paramref name="treeSize"/> leaves whose root is <paramref name="root"/>.
    /// </summary>
    public static bool VerifyInclusion(ReadOnlySpan<byte> leafHash, ulong index, ulong treeSize, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (index >= treeSize || leafHash.Length != MerkleHash.Size || root.Length != MerkleHash.Size)
        {
            return false;
        }

        ulong fn = index;
        ulong sn = treeSize - 1;
        Span<byte> r = stackalloc byte[MerkleHash.Size];
        leafHash.CopyTo(r);
        foreach (var p in proof)
        {
            if (p is null || p.Length != MerkleHash.Size || sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                MerkleHash.Node(p, r, r);
                if ((fn & 1) == 0)
                {
                    // Right-shift until fn is odd or zero (the proof skips levels where this node had no sibling).
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                MerkleHash.Node(r, p, r);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && r.SequenceEqual(root);
    }

    /// <summary>
    /// Whether <paramref name="proof"/> proves that the tree of <paramref name="size1"/> leaves with root
    /// <paramref name="root1"/> is a prefix of the tree of <paramref name="size2"/> leaves with root <paramref name="root2"/>.
    /// </summary>
    public static bool VerifyConsistency(ulong size1, ulong size2, ReadOnlySpan<byte> root1, ReadOnlySpan<byte> root2, IReadOnlyList<byte[]> proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (root1.Length != MerkleHash.Size || root2.Length != MerkleHash.Size || size1 > size2)
        {
            return false;
        }

        if (size1 == size2)
        {
            return proof.Count == 0 && root1.SequenceEqual(root2);
        }

        if (size1 == 0)
        {
            // Every tree extends the empty tree; RFC 9162 defines no proof for it.
            return proof.Count == 0;
        }

        if (proof.Count == 0 || proof.Any(p => p is null || p.Length != MerkleHash.Size))
        {
            return false;
        }

        var path = new List<byte[]>(proof.Count + 1);
        if (BitOperations.IsPow2(size1))
        {
            path.Add(root1.ToArray());
        }

        path.AddRange(proof);
        ulong fn = size1 - 1;
        ulong sn = size2 - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        Span<byte> fr = stackalloc byte[MerkleHash.Size];
        Span<byte> sr = stackalloc byte[MerkleHash.Size];
        path[0].CopyTo(fr);
        path[0].CopyTo(sr);
        for (var i = 1; i < path.Count; i++)
        {
            var c = path[i];
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                MerkleHash.Node(c, fr, fr);
                MerkleHash.Node(c, sr, sr);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                MerkleHash.Node(sr, c, sr);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && fr.SequenceEqual(root1) && sr.SequenceEqual(root2);
    }
}
