using System.Security.Cryptography;
using Oracle.Core.Merkle;

namespace Oracle.Core.Tests.Merkle;

/// <summary>The store-backed tree and the compact range compute what the in-memory tree computes.</summary>
public sealed class StoredMerkleTreeTests
{
    [Fact]
    public void CompactRange_EverySizeUpTo70_GivesTheTreesRootAndContinuesIt()
    {
        var tree = new MerkleTree();
        var range = CompactRange.Empty;
        for (var i = 0; i < 70; i++)
        {
            Assert.Equal(tree.Root(), range.Root());
            var fromTree = tree.CompactRange(tree.Size);
            Assert.Equal(range.Hashes, fromTree.Hashes);
            var leaf = Leaf(i);
            tree.AppendLeafHash(leaf);
            range.Append(leaf);
        }

        Assert.Equal(tree.Root(), range.Root());
        Assert.Equal(tree.Root(33), tree.CompactRange(33).Root());
    }

    [Fact]
    public void CompactRange_WrongHashCount_Refused()
    {
        Assert.False(CompactRange.TryCreate(5, [new byte[32]], out _)); // 5 = 4 + 1: two subtrees
        Assert.False(CompactRange.TryCreate(5, [new byte[32], new byte[31]], out _));
        Assert.True(CompactRange.TryCreate(5, [new byte[32], new byte[32]], out var range));
        Assert.Equal(5UL, range.Size);
    }

    [Fact]
    public async Task StoredTree_AppendsInBatches_RootsAndProofsEqualTheMemoryTree()
    {
        var store = new MemoryMerkleNodeStore();
        var stored = new StoredMerkleTree(store);
        var tree = new MerkleTree();
        var size = 0UL;
        foreach (var batch in new[] { 1, 2, 5, 1, 8, 13, 3, 30 })
        {
            var leaves = Enumerable.Range((int)size, batch).Select(Leaf).ToList();
            foreach (var leaf in leaves)
            {
                tree.AppendLeafHash(leaf);
            }

            var head = await stored.AppendAsync(size, leaves, CancellationToken.None);
            size += (ulong)batch;
            Assert.Equal(size, head.Size);
            Assert.Equal(tree.Root(), head.Root);
        }

        for (ulong n = 1; n <= size; n += 7)
        {
            Assert.Equal(tree.Root(n), await stored.RootAsync(n, CancellationToken.None));
            for (ulong m = 0; m < n; m += 5)
            {
                Assert.Equal(tree.InclusionProof(m, n), await stored.InclusionProofAsync(m, n, CancellationToken.None));
                Assert.Equal(tree.ConsistencyProof(m, n), await stored.ConsistencyProofAsync(m, n, CancellationToken.None));
            }
        }
    }

    [Fact]
    public async Task StoredTree_Proof_ReadsItsNodesInOneCallOfLogarithmicSize()
    {
        var store = new MemoryMerkleNodeStore();
        var stored = new StoredMerkleTree(store);
        await stored.AppendAsync(0, [.. Enumerable.Range(0, 1000).Select(Leaf)], CancellationToken.None);
        var before = store.Reads;

        var proof = await stored.InclusionProofAsync(617, 1000, CancellationToken.None);

        Assert.Equal(before + 1, store.Reads);
        var root = await stored.RootAsync(1000, CancellationToken.None);
        Assert.True(MerkleProofs.VerifyInclusion(Leaf(617), 617, 1000, proof, root));
        Assert.Equal(1994, store.Count); // the perfect subtrees: 1000 + 500 + 250 + 125 + 62 + 31 + 15 + 7 + 3 + 1
    }

    [Fact]
    public async Task InclusionProofNodes_AnyLeafAndSize_TheNodesTheProofReadsInOrder()
    {
        var store = new MemoryMerkleNodeStore();
        var stored = new StoredMerkleTree(store);
        await stored.AppendAsync(0, [.. Enumerable.Range(0, 300).Select(Leaf)], CancellationToken.None);
        foreach (var (index, size) in new (ulong, ulong)[] { (0, 1), (0, 2), (5, 7), (255, 256), (256, 300), (299, 300), (17, 129) })
        {
            var recording = new RecordingStore(store);

            await new StoredMerkleTree(recording).InclusionProofAsync(index, size, CancellationToken.None);

            Assert.Equal(recording.Asked, StoredMerkleTree.InclusionProofNodes(index, size));
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => StoredMerkleTree.InclusionProofNodes(300, 300));
    }

    private sealed class RecordingStore(IMerkleNodeStore inner) : IMerkleNodeStore
    {
        public List<MerkleNodeId> Asked { get; } = [];

        public ValueTask ReadAsync(IReadOnlyList<MerkleNodeId> nodes, Memory<byte> hashes, CancellationToken cancellationToken)
        {
            Asked.AddRange(nodes);
            return inner.ReadAsync(nodes, hashes, cancellationToken);
        }

        public ValueTask WriteAsync(IReadOnlyList<MerkleNodeId> nodes, ReadOnlyMemory<byte> hashes, CancellationToken cancellationToken)
            => inner.WriteAsync(nodes, hashes, cancellationToken);
    }

    [Fact]
    public async Task StoredTree_RewriteWithAnotherLeaf_IsAFork()
    {
        var store = new MemoryMerkleNodeStore();
        var stored = new StoredMerkleTree(store);
        await stored.AppendAsync(0, [Leaf(0), Leaf(1)], CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await stored.AppendAsync(1, [Leaf(9)], CancellationToken.None));
    }

    private static byte[] Leaf(int i) => MerkleHash.Leaf(SHA256.HashData(BitConverter.GetBytes(i)));
}
