using EvidenceCollector.Log;
using EvidenceCollector.Tests.Support;
using Npgsql;
using NpgsqlTypes;
using Oracle.Core.Merkle;

namespace EvidenceCollector.Tests.Log;

public sealed class PostgresMerkleNodeStoreTests
{
    [Fact]
    public async Task StoredTree_SessionLogOf1100Leaves_SameRootsAndProofsAsTheMemoryTree()
    {
        await using var db = await CollectorDatabase.CreateAsync();
        const ulong sessionId = 0xFFFF_0000_0000_0001; // above 2^63: stored as a negative bigint
        var memory = new MerkleTree();
        var range = CompactRange.Empty;
        await using var connection = await db.Database.DataSource.OpenConnectionAsync();
        // Appended in uneven steps, as batches come.
        foreach (var step in new[] { 1, 2, 5, 250, 1, 7, 300, 512, 22 })
        {
            await using var transaction = await connection.BeginTransactionAsync();
            var nodes = new List<MerkleNodeId>();
            var hashes = new List<byte[]>();
            await using (var copy = await connection.BeginBinaryImportAsync("COPY leaves (session_id, leaf_index, leaf_hash, record) FROM STDIN (FORMAT BINARY)"))
            {
                for (var i = 0; i < step; i++)
                {
                    var leaf = MerkleHash.Leaf(BitConverter.GetBytes(memory.Size));
                    await copy.StartRowAsync();
                    await copy.WriteAsync(unchecked((long)sessionId), NpgsqlDbType.Bigint);
                    await copy.WriteAsync((long)memory.Size, NpgsqlDbType.Bigint);
                    await copy.WriteAsync(leaf, NpgsqlDbType.Bytea);
                    await copy.WriteAsync(Array.Empty<byte>(), NpgsqlDbType.Bytea);
                    memory.AppendLeafHash(leaf);
                    range.Append(leaf, (node, hash) =>
                    {
                        nodes.Add(node);
                        hashes.Add(hash);
                    });
                }

                await copy.CompleteAsync();
            }

            await new PostgresMerkleNodeStore(connection, transaction, MerkleTables.Session(sessionId)).WriteAsync(nodes, hashes.SelectMany(h => h).ToArray(), default);
            await transaction.CommitAsync();
        }

        var tree = new StoredMerkleTree(new PostgresMerkleNodeStore(connection, null, MerkleTables.Session(sessionId)));
        var stored = await db.ScalarAsync<long>("SELECT count(*) FROM session_nodes");
        Assert.Equal(1100UL, memory.Size);
        Assert.Equal(4 + 2 + 1, stored); // levels 8 (4 nodes), 9 (2) and 10 (1) of 1100 leaves
        foreach (var size in new ulong[] { 1, 2, 3, 255, 256, 257, 511, 512, 513, 1023, 1024, 1025, 1100 })
        {
            Assert.Equal(memory.Root(size), await tree.RootAsync(size, default));
            foreach (var index in new ulong[] { 0, size / 2, size - 1 })
            {
                Assert.Equal(memory.InclusionProof(index, size), await tree.InclusionProofAsync(index, size, default));
            }

            foreach (var first in new ulong[] { 1, size / 3 + 1, size - 1 })
            {
                if (first <= size)
                {
                    Assert.Equal(memory.ConsistencyProof(first, size), await tree.ConsistencyProofAsync(first, size, default));
                }
            }
        }
    }

    [Fact]
    public async Task Read_MissingLeaf_ThrowsNamingTheLog()
    {
        await using var db = await CollectorDatabase.CreateAsync();
        await using var connection = await db.Database.DataSource.OpenConnectionAsync();
        var tree = new StoredMerkleTree(new PostgresMerkleNodeStore(connection, null, MerkleTables.Session(7)));

        var missing = await Assert.ThrowsAsync<KeyNotFoundException>(async () => await tree.RootAsync(3, default));

        Assert.Contains("session 7", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_NodeHeldWithAnotherHash_FailsTheTransaction()
    {
        await using var db = await CollectorDatabase.CreateAsync();
        await using var connection = await db.Database.DataSource.OpenConnectionAsync();
        var store = new PostgresMerkleNodeStore(connection, null, MerkleTables.Session(1));
        var node = new MerkleNodeId(8, 0);
        await store.WriteAsync([node], new byte[32], default);

        await Assert.ThrowsAsync<PostgresException>(async () => await store.WriteAsync([node], Enumerable.Repeat((byte)1, 32).ToArray(), default));
    }
}
