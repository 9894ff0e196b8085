using System.Security.Cryptography;
using Oracle.Core.Merkle;

namespace Oracle.Core.Tests.Merkle;

public sealed class MerkleTreeTests
{
    // RFC 9162 §2.1.1 taken literally (recursive MTH over the leaf list): the reference the incremental tree must match.
    private static byte[] ReferenceRoot(IReadOnlyList<byte[]> leaves)
    {
        if (leaves.Count == 0)
        {
            return SHA256.HashData([]);
        }

        if (leaves.Count == 1)
        {
            return SHA256.HashData([0x00, .. leaves[0]]);
        }

        var k = 1;
        while (k * 2 < leaves.Count)
        {
            k *= 2;
        }

        return SHA256.HashData([0x01, .. ReferenceRoot(leaves.Take(k).ToList()), .. ReferenceRoot(leaves.Skip(k).ToList())]);
    }

    private static List<byte[]> Leaves(int n) => Enumerable.Range(0, n).Select(i => new byte[] { (byte)i, (byte)(i >> 8), 0xAB }).ToList();

    private static MerkleTree Tree(IEnumerable<byte[]> leaves)
    {
        var tree = new MerkleTree();
        foreach (var leaf in leaves)
        {
            tree.Append(leaf);
        }

        return tree;
    }

    [Fact]
    public void Root_EmptyTree_IsSha256OfEmptyString()
    {
        Assert.Equal(SHA256.HashData([]), new MerkleTree().Root());
        Assert.Equal(Convert.FromHexString("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"), MerkleHash.EmptyRoot.ToArray());
    }

    [Fact]
    public void Root_EverySizeUpTo130_MatchesTheRfcDefinition()
    {
        var leaves = Leaves(130);
        var tree = Tree(leaves);
        for (var n = 0; n <= leaves.Count; n++)
        {
            Assert.Equal(ReferenceRoot(leaves.Take(n).ToList()), tree.Root((ulong)n));
        }
    }

    [Fact]
    public void InclusionProof_EveryLeafOfEverySizeUpTo40_Verifies()
    {
        var leaves = Leaves(40);
        var tree = Tree(leaves);
        for (ulong size = 1; size <= 40; size++)
        {
            var root = tree.Root(size);
            for (ulong index = 0; index < size; index++)
            {
                var proof = tree.InclusionProof(index, size);
                Assert.True(MerkleProofs.VerifyInclusion(MerkleHash.Leaf(leaves[(int)index]), index, size, proof, root), $"leaf {index} of {size}");
            }
        }
    }

    [Fact]
    public void ConsistencyProof_EveryPairOfSizesUpTo40_Verifies()
    {
        var tree = Tree(Leaves(40));
        for (ulong size2 = 1; size2 <= 40; size2++)
        {
            for (ulong size1 = 1; size1 <= size2; size1++)
            {
                var proof = tree.ConsistencyProof(size1, size2);
                Assert.True(MerkleProofs.VerifyConsistency(size1, size2, tree.Root(size1), tree.Root(size2), proof), $"{size1} -> {size2}");
            }
        }
    }

    [Fact]
    public void VerifyInclusion_TamperedProofLeafIndexOrRoot_Fails()
    {
        var leaves = Leaves(13);
        var tree = Tree(leaves);
        var root = tree.Root();
        var proof = tree.InclusionProof(5, 13).Select(p => p.ToArray()).ToList();
        var leaf = MerkleHash.Leaf(leaves[5]);
        Assert.True(MerkleProofs.VerifyInclusion(leaf, 5, 13, proof, root));

        Assert.False(MerkleProofs.VerifyInclusion(leaf, 4, 13, proof, root));
        // (A size with the same path shape, 14 say, verifies too: RFC 9162 binds the size through the signed tree
        // head, not the audit path; a size whose path is shorter must fail.)
        Assert.False(MerkleProofs.VerifyInclusion(leaf, 5, 6, proof, root));
        Assert.False(MerkleProofs.VerifyInclusion(leaf, 13, 13, proof, root));
        Assert.False(MerkleProofs.VerifyInclusion(MerkleHash.Leaf(leaves[6]), 5, 13, proof, root));
        Assert.False(MerkleProofs.VerifyInclusion(leaf, 5, 13, proof.Take(proof.Count - 1).ToList(), root));
        Assert.False(MerkleProofs.VerifyInclusion(leaf, 5, 13, [.. proof, new byte[32]], root));
        proof[1][0] ^= 1;
        Assert.False(MerkleProofs.VerifyInclusion(leaf, 5, 13, proof, root));
    }

    [Fact]
    public void VerifyInclusion_LeafHashPassedAsNode_Fails()
    {
        // Second-preimage resistance: an interior node presented as a leaf of a smaller tree must not verify.
        var leaves = Leaves(4);
        var tree = Tree(leaves);
        var node = MerkleHash.Node(MerkleHash.Leaf(leaves[0]), MerkleHash.Leaf(leaves[1]));
        var sibling = MerkleHash.Node(MerkleHash.Leaf(leaves[2]), MerkleHash.Leaf(leaves[3]));
        Assert.False(MerkleProofs.VerifyInclusion(MerkleHash.Leaf(node), 0, 2, [sibling], tree.Root()));
    }

    [Fact]
    public void VerifyConsistency_WrongRootsOrTamperedProof_Fails()
    {
        var tree = Tree(Leaves(21));
        var proof = tree.ConsistencyProof(6, 21).Select(p => p.ToArray()).ToList();
        Assert.True(MerkleProofs.VerifyConsistency(6, 21, tree.Root(6), tree.Root(21), proof));

        Assert.False(MerkleProofs.VerifyConsistency(6, 21, tree.Root(7), tree.Root(21), proof));
        Assert.False(MerkleProofs.VerifyConsistency(6, 21, tree.Root(6), tree.Root(20), proof));
        Assert.False(MerkleProofs.VerifyConsistency(7, 21, tree.Root(6), tree.Root(21), proof));
        Assert.False(MerkleProofs.VerifyConsistency(21, 6, tree.Root(21), tree.Root(6), proof));
        Assert.False(MerkleProofs.VerifyConsistency(6, 21, tree.Root(6), tree.Root(21), []));
        proof[0][31] ^= 0x80;
        Assert.False(MerkleProofs.VerifyConsistency(6, 21, tree.Root(6), tree.Root(21), proof));
    }

    [Fact]
    public void VerifyConsistency_EqualSizes_NeedsAnEmptyProofAndEqualRoots()
    {
        var tree = Tree(Leaves(5));
        Assert.True(MerkleProofs.VerifyConsistency(5, 5, tree.Root(), tree.Root(), []));
        Assert.False(MerkleProofs.VerifyConsistency(5, 5, tree.Root(), tree.Root(4), []));
        Assert.False(MerkleProofs.VerifyConsistency(5, 5, tree.Root(), tree.Root(), [tree.Root()]));
    }

    [Fact]
    public void ConsistencyProof_ForkedHistory_DoesNotVerify()
    {
        var honest = Tree(Leaves(10));
        var forked = Tree(Leaves(6).Concat([[0xFF], [0xFE], [0xFD], [0xFC]]));
        var proof = forked.ConsistencyProof(8, 10);
        Assert.False(MerkleProofs.VerifyConsistency(8, 10, honest.Root(8), forked.Root(10), proof));
    }

    [Fact]
    public void Proofs_RequestedBeyondTheTree_Throw()
    {
        var tree = Tree(Leaves(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.Root(4));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.InclusionProof(3, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.ConsistencyProof(2, 4));
        Assert.Throws<ArgumentException>(() => tree.AppendLeafHash(new byte[31]));
    }
}
