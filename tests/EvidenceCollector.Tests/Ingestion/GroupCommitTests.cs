using EvidenceCollector.Ingestion;
using EvidenceCollector.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Oracle.Core.Evidence;
using Oracle.Testing;

namespace EvidenceCollector.Tests.Ingestion;

[Collection(BusCollection.Name)]
public sealed class GroupCommitTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    // One group worker that waits up to a second for a group to fill: batches published together are decided together.
    private static readonly Dictionary<string, string?> OneGroup = new()
    {
        ["Ingestion:GroupCommitters"] = "1",
        ["Ingestion:GroupWait"] = "00:00:01",
    };

    [Fact]
    public async Task Consume_GroupWithOneBadBatch_OnlyThatBatchRejectedAndTheOthersStoredInOneTransaction()
    {
        var chain = await ChainSessions.GetAsync();
        var sessions = await chain.SessionsAsync(4);
        await using var collector = await CollectorUnderTest.StartAsync(OneGroup);
        await using var gateway = await TestGateway.StartAsync(collector.Host.Settings["Bus:Url"]!);
        var good = sessions.Take(3).Select(s => s.Next(records: 5)).ToList();
        var next = sessions[3].Next(records: 3);
        // Records swapped under genuine signatures: the root does not hold.
        var bad = next with { LeafHashes = [next.LeafHashes[1], next.LeafHashes[0], next.LeafHashes[2]], SealedRecords = [next.SealedRecords[1], next.SealedRecords[0], next.SealedRecords[2]] };

        foreach (var batch in new[] { good[0], bad, good[1], good[2] })
        {
            await gateway.PublishAsync(batch);
        }

        await gateway.WaitAnsweredAsync([.. good.Select(g => g.BatchId), bad.BatchId], Wait);

        var rejection = Assert.Single(gateway.Rejected);
        Assert.Equal((bad.BatchId, EvidenceBatchError.RootMismatch), (rejection.BatchId, rejection.Error));
        Assert.Equal(good.Select(g => g.BatchId).Order(), gateway.Accepted.Select(a => a.BatchId).Order());
        Assert.All(gateway.Accepted, a => Assert.Equal(EvidenceBatchVerdict.Verified, a.Verdict));
        Assert.Equal(3L, await collector.ScalarAsync<long>("SELECT count(*) FROM batches"));
        Assert.Equal(15L, await collector.ScalarAsync<long>("SELECT count(*) FROM leaves"));
        Assert.Equal(0L, await collector.ScalarAsync<long>($"SELECT count(*) FROM leaves WHERE session_id = {sessions[3].SessionId}"));
        // One transaction: the three batches and the refusal carry its one start time.
        Assert.Equal(1L, await collector.ScalarAsync<long>("SELECT count(DISTINCT t) FROM (SELECT accepted_at AS t FROM batches UNION ALL SELECT rejected_at FROM rejections) a"));
        Assert.Equal(1L, await collector.QueueDepthAsync(collector.RejectedQueue));
        foreach (var session in sessions.Take(3))
        {
            Assert.Equal(SessionEvidence.Hash(session.SealedRecords), SessionEvidence.Hash(await collector.RecordsAsync(session.SessionId)));
        }
    }

    [Fact]
    public async Task Consume_GroupWhoseCommitFails_RetriedAndEveryBatchStoredOnce()
    {
        var chain = await ChainSessions.GetAsync();
        var sessions = await chain.SessionsAsync(3);
        await using var collector = await CollectorUnderTest.StartAsync(OneGroup);
        await using var gateway = await TestGateway.StartAsync(collector.Host.Settings["Bus:Url"]!);
        // The first two commits that hold a new batch fail (checked at COMMIT: a deferred constraint trigger), as a
        // database failing over would make them fail: the group's, then the first batch's alone.
        await using (var connection = await collector.Database.DataSource.OpenConnectionAsync())
        await using (var plant = new NpgsqlCommand(
            "CREATE SEQUENCE failed_commits; " +
            "CREATE FUNCTION fail_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN " +
            "IF nextval('failed_commits') <= 2 THEN RAISE EXCEPTION 'planted commit failure' USING ERRCODE = '40001'; END IF; RETURN NULL; END $$; " +
            "CREATE CONSTRAINT TRIGGER fail_commit AFTER INSERT ON batches DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION fail_commit()", connection))
        {
            await plant.ExecuteNonQueryAsync();
        }

        var batches = new List<EvidenceBatch>();
        for (var round = 0; round < 2; round++)
        {
            foreach (var session in sessions)
            {
                batches.Add(session.Next(records: 4 + round));
            }
        }

        foreach (var batch in batches)
        {
            await gateway.PublishAsync(batch);
        }

        await gateway.WaitAnsweredAsync(batches.Select(b => b.BatchId), Wait);
        await collector.WaitSequencedAsync(Wait);

        Assert.True(await collector.ScalarAsync<long>("SELECT last_value FROM failed_commits") >= 3, "the planted failures did not happen");
        Assert.Empty(gateway.Rejected);
        // Each batch answered once, as stored now: nothing was answered for a commit that failed.
        Assert.Equal(batches.Select(b => b.BatchId).Order(), gateway.Accepted.Select(a => a.BatchId).Order());
        Assert.All(gateway.Accepted, a => Assert.Equal(EvidenceBatchVerdict.Verified, a.Verdict));
        Assert.Equal(6L, await collector.ScalarAsync<long>("SELECT count(*) FROM batches"));
        Assert.Equal(6L, await collector.ScalarAsync<long>("SELECT count(*) FROM log_leaves"));
        foreach (var session in sessions)
        {
            Assert.Equal(SessionEvidence.Hash(session.SealedRecords), SessionEvidence.Hash(await collector.RecordsAsync(session.SessionId)));
            Assert.Equal(session.Root(), await collector.ScalarAsync<byte[]>($"SELECT root FROM sessions WHERE session_id = {session.SessionId}"));
        }
    }

    [Fact]
    public async Task Consume_GapBatchWithOneConsumerSlot_ParkedWithoutHoldingItAndStoredWhenItsPredecessorArrives()
    {
        var chain = await ChainSessions.GetAsync();
        var session = (await chain.SessionsAsync(1))[0];
        // One consumer slot, one prefetched message, and a park far longer than the test waits: a parked batch that held
        // the slot would keep its predecessor out for 50 s.
        await using var collector = await CollectorUnderTest.StartAsync(new Dictionary<string, string?>
        {
            ["Ingestion:ConcurrentMessageLimit"] = "1",
            ["Ingestion:PrefetchCount"] = "1",
            ["Ingestion:GapWait"] = "00:00:50",
        });
        await using var gateway = await TestGateway.StartAsync(collector.Host.Settings["Bus:Url"]!);
        var first = session.Next(records: 3);
        var second = session.Next(records: 3);

        await gateway.PublishAsync(second);
        await TestGateway.WaitUntilAsync(() => collector.Metrics.Count(CollectorCounters.BatchesDeferred) == 1, Wait, "the park");
        await gateway.PublishAsync(first);
        await gateway.WaitAnsweredAsync([first.BatchId, second.BatchId], TimeSpan.FromSeconds(30));

        Assert.Empty(gateway.Rejected);
        // Both stored and answered as verified: the parked one without being published again.
        Assert.Equal(new[] { first.BatchId, second.BatchId }.Order(), gateway.Accepted.Select(a => a.BatchId).Order());
        Assert.All(gateway.Accepted, a => Assert.Equal(EvidenceBatchVerdict.Verified, a.Verdict));
        Assert.Equal(6L, await collector.ScalarAsync<long>("SELECT count(*) FROM leaves"));
        Assert.Equal(0, collector.Host.Services.GetRequiredService<GroupCommitter>().ParkedCount);
    }
}
