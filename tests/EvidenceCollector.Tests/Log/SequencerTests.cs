using EvidenceCollector.Log;
using EvidenceCollector.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Oracle.Core.Merkle;
using Oracle.Core.Transparency;

namespace EvidenceCollector.Tests.Log;

public sealed class SequencerTests
{
    [Fact]
    public async Task Step_AcceptedBatches_AppendsThemInOrderWithASignedCheckpoint()
    {
        await using var db = await CollectorDatabase.CreateAsync();
        using var identity = AcceptedBatches.Identity();
        var sequencer = new Sequencer(db.Database, identity, new CollectorMetrics(), NullLogger<Sequencer>.Instance);
        await sequencer.InitializeAsync("test", default);
        await AcceptedBatches.InsertAsync(db, 42, 300);

        var (first, _) = await sequencer.StepAsync("test", 100, default);
        var (second, head) = await sequencer.StepAsync("test", 1000, default);
        var (third, _) = await sequencer.StepAsync("test", 1000, default);

        Assert.Equal((100, 200, 0), (first, second, third));
        var expected = await RebuildAsync(db, identity);
        Assert.Equal(300UL, head!.TreeSize);
        Assert.Equal(expected.Root(), head.Root);
        Assert.True(SignedNote.TryParse(head.Checkpoint, out var note));
        Assert.True(identity.Key.Verify(note!));
        Assert.True(CheckpointBody.TryParse(note!.Text, out var body));
        Assert.True(new TreeHead(300, expected.Root()).Matches(body!.Head));
        Assert.Equal(identity.Origin, body.Origin);
        // Leaves are given in acceptance order.
        Assert.Equal(Enumerable.Range(0, 300).Select(i => (long)i + 1), await SessionSizesInLogOrderAsync(db));
    }

    [Fact]
    public async Task Step_TwoSequencersAtOnce_OneLogWithoutGapsOrDuplicates()
    {
        await using var db = await CollectorDatabase.CreateAsync();
        using var identity = AcceptedBatches.Identity();
        var a = new Sequencer(db.Database, identity, new CollectorMetrics(), NullLogger<Sequencer>.Instance);
        var b = new Sequencer(db.Database, identity, new CollectorMetrics(), NullLogger<Sequencer>.Instance);
        await a.InitializeAsync("a", default);
        await b.InitializeAsync("b", default);
        for (var s = 0; s < 10; s++)
        {
            await AcceptedBatches.InsertAsync(db, (ulong)s, 100);
        }

        // Both run flat out until nothing is left; the head row serializes them.
        async Task<int> Drain(Sequencer sequencer, string name)
        {
            var total = 0;
            while (true)
            {
                var (appended, _) = await sequencer.StepAsync(name, 37, default);
                if (appended == 0)
                {
                    return total;
                }

                total += appended;
            }
        }

        var counts = await Task.WhenAll(Drain(a, "a"), Drain(b, "b"));

        Assert.Equal(1000, counts.Sum());
        Assert.True(counts.All(c => c > 0), $"both sequencers should have appended: {string.Join(", ", counts)}");
        Assert.Equal(1000L, await db.ScalarAsync<long>("SELECT count(DISTINCT log_index) FROM batches WHERE log_index IS NOT NULL"));
        Assert.Equal(999L, await db.ScalarAsync<long>("SELECT max(leaf_index) FROM log_leaves"));
        var head = await new LogReader(db.Database, new LatestHead()).HeadAsync(default);
        Assert.Equal((await RebuildAsync(db, identity)).Root(), head!.Root);
    }

    [Fact]
    public async Task Tiles_LogOf1300Leaves_AreTheStoredHashesAndEntries()
    {
        await using var db = await CollectorDatabase.CreateAsync();
        using var identity = AcceptedBatches.Identity();
        var sequencer = new Sequencer(db.Database, identity, new CollectorMetrics(), NullLogger<Sequencer>.Instance);
        await sequencer.InitializeAsync("test", default);
        await AcceptedBatches.InsertAsync(db, 1, 1300);
        while ((await sequencer.StepAsync("test", 500, default)).Appended > 0)
        {
        }

        var reader = new LogReader(db.Database, new LatestHead());
        var tree = await RebuildAsync(db, identity);

        var full = await reader.TileAsync(new TilePath(0, 1, 256), 1300, default);
        var partial = await reader.TileAsync(new TilePath(0, 5, 20), 1300, default);
        var level1 = await reader.TileAsync(new TilePath(1, 0, 5), 1300, default);
        var entries = await reader.TileAsync(new TilePath(TilePath.EntriesLevel, 5, 20), 1300, default);

        Assert.Equal(Enumerable.Range(256, 256).SelectMany(i => tree.LeafHash((ulong)i)), full!);
        Assert.Equal(Enumerable.Range(1280, 20).SelectMany(i => tree.LeafHash((ulong)i)), partial!);
        // Level 1 holds the roots of the 256-leaf subtrees.
        Assert.Equal(Enumerable.Range(0, 5).SelectMany(i => SubtreeRoot(tree, (ulong)i * 256, 256)), level1!);
        Assert.Equal(20 * (2 + 158), entries!.Length);
        Assert.Equal(tree.LeafHash(1280), MerkleHash.Leaf(entries.AsSpan(2, 158)));
        Assert.Null(await reader.TileAsync(new TilePath(0, 5, 21), 1300, default));
        Assert.Null(await reader.TileAsync(new TilePath(1, 0, 6), 1300, default));
    }

    [Fact]
    public async Task Lease_TakenByOne_OthersWaitUntilItIsReleased()
    {
        await using var db = await CollectorDatabase.CreateAsync();

        var first = await SequencerLease.TryAcquireAsync(db.ConnectionString, "collector", default);
        var second = await SequencerLease.TryAcquireAsync(db.ConnectionString, "collector", default);
        Assert.NotNull(first);
        Assert.Null(second);

        await first!.DisposeAsync();
        await using var third = await SequencerLease.TryAcquireAsync(db.ConnectionString, "collector", default);
        Assert.NotNull(third);
    }

    private static byte[] SubtreeRoot(MerkleTree tree, ulong first, ulong count)
    {
        var sub = new MerkleTree();
        for (var i = first; i < first + count; i++)
        {
            sub.AppendLeafHash(tree.LeafHash(i));
        }

        return sub.Root();
    }

    // The tree rebuilt from the stored leaf data (each leaf re-encoded from its batch), in log order.
    private static async Task<MerkleTree> RebuildAsync(CollectorDatabase db, LogIdentity identity)
    {
        var tree = new MerkleTree();
        await using var connection = await db.Database.DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            "SELECT b.session_id, b.tree_size, b.root, b.epoch_time, b.capture_drops, b.checkpoint_signature, l.leaf FROM log_leaves l JOIN batches b ON b.batch_id = l.batch_id ORDER BY l.leaf_index", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var leaf = CheckpointLeafEncoding.Encode(identity.ChainId, identity.SessionManagerBytes, unchecked((ulong)reader.GetInt64(0)), (ulong)reader.GetInt64(1),
                (byte[])reader[2], (ulong)reader.GetInt64(3), (ulong)reader.GetInt64(4), (byte[])reader[5]);
            Assert.Equal(leaf, (byte[])reader[6]);
            tree.Append(leaf);
        }

        return tree;
    }

    private static async Task<List<long>> SessionSizesInLogOrderAsync(CollectorDatabase db)
    {
        var sizes = new List<long>();
        await using var connection = await db.Database.DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT tree_size FROM batches ORDER BY log_index", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            sizes.Add(reader.GetInt64(0));
        }

        return sizes;
    }
}
