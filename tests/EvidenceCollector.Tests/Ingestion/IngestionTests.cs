using EvidenceCollector.Ingestion;
using EvidenceCollector.Tests.Support;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Nethereum.Signer;
using Oracle.Core.Evidence;
using Oracle.Core.Merkle;
using Oracle.Testing;
using RabbitMQ.Client;

namespace EvidenceCollector.Tests.Ingestion;

[Collection(BusCollection.Name)]
public sealed class IngestionTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Consume_ValidBatchesOfThreeSessions_AcceptedStoredOnceAndSequenced()
    {
        var chain = await ChainSessions.GetAsync();
        var sessions = await chain.SessionsAsync(3);
        await using var collector = await CollectorUnderTest.StartAsync();
        await using var gateway = await TestGateway.StartAsync(collector.Host.Settings["Bus:Url"]!);
        var batches = new List<EvidenceBatch>();
        for (var round = 0; round < 4; round++)
        {
            foreach (var session in sessions)
            {
                var batch = session.Next(records: 20 + round);
                batches.Add(batch);
                await gateway.PublishAsync(batch);
            }
        }

        await gateway.WaitAnsweredAsync(batches.Select(b => b.BatchId), Wait);
        await collector.WaitSequencedAsync(Wait);

        Assert.Empty(gateway.Rejected);
        Assert.Equal(batches.Select(b => b.BatchId).Order(), gateway.Accepted.Select(a => a.BatchId).Order());
        Assert.All(gateway.Accepted, a => Assert.Equal(EvidenceBatchVerdict.Verified, a.Verdict));
        Assert.All(batches, b => Assert.Equal(EvidenceBatchDigest.Compute(b), gateway.Accepted.Single(a => a.BatchId == b.BatchId).Digest));
        foreach (var session in sessions)
        {
            // Every record stored once, byte for byte, in leaf order.
            Assert.Equal(SessionEvidence.Hash(session.SealedRecords), SessionEvidence.Hash(await collector.RecordsAsync(session.SessionId)));
            Assert.Equal(session.Root(), await collector.ScalarAsync<byte[]>($"SELECT root FROM sessions WHERE session_id = {session.SessionId}"));
        }

        Assert.Equal(12L, await collector.ScalarAsync<long>("SELECT count(*) FROM log_leaves"));
        Assert.Equal(12L, await collector.ScalarAsync<long>("SELECT tree_size FROM log_head"));
        Assert.Equal(12, collector.Metrics.Count(CollectorCounters.BatchesAccepted, "verified"));
    }

    [Fact]
    public async Task Consume_SessionsOpenedBeforeAndAfterStart_KnownFromTheWatcherWithoutAChainRead()
    {
        var chain = await ChainSessions.GetAsync();
        var before = (await chain.SessionsAsync(1))[0];
        await using var collector = await CollectorUnderTest.StartAsync();
        var directory = collector.Host.Services.GetRequiredService<ChainSessionDirectory>();
        await TestGateway.WaitUntilAsync(() => Watched(collector, before.SessionId), Wait, "the session opened before the start in chain_sessions");
        var after = (await chain.SessionsAsync(1))[0];
        await TestGateway.WaitUntilAsync(() => Watched(collector, after.SessionId), Wait, "the session opened after the start in chain_sessions");
        await using var gateway = await TestGateway.StartAsync(collector.Host.Settings["Bus:Url"]!);
        var batches = new[] { before.Next(records: 5), after.Next(records: 7) };
        foreach (var batch in batches)
        {
            await gateway.PublishAsync(batch);
        }

        await gateway.WaitAnsweredAsync(batches.Select(b => b.BatchId), Wait);

        Assert.Empty(gateway.Rejected);
        Assert.Equal(2, gateway.Accepted.Count);
        // Both sessions came from the watcher (SessionOpened, checked against the commitment), none from a chain read.
        Assert.Equal(0, directory.ChainReads);
        Assert.Equal(before.Gateway.GetPublicAddress().ToLowerInvariant(), (await collector.ScalarAsync<string>($"SELECT provider FROM chain_sessions WHERE session_id = {before.SessionId}")).ToLowerInvariant());
        Assert.Equal(after.Client.GetPublicAddress().ToLowerInvariant(), (await collector.ScalarAsync<string>($"SELECT client FROM chain_sessions WHERE session_id = {after.SessionId}")).ToLowerInvariant());
    }

    [Fact]
    public async Task SessionWatcher_Reorganization_RowsAfterTheForkDeletedAndSessionsReadAgainFromTheChain()
    {
        var chain = await ChainSessions.GetAsync();
        var session = (await chain.SessionsAsync(1))[0];
        await using var collector = await CollectorUnderTest.StartAsync();
        var directory = collector.Host.Services.GetRequiredService<ChainSessionDirectory>();
        var watcher = collector.Host.Services.GetRequiredService<SessionWatcher>();
        await TestGateway.WaitUntilAsync(() => Watched(collector, session.SessionId), Wait, "the session in chain_sessions");
        var block = await collector.ScalarAsync<long>($"SELECT block_number FROM chain_sessions WHERE session_id = {session.SessionId}");

        // The block that opened the session was replaced: what the watcher applied from it is undone (the watcher reads
        // the new chain's events from the fork point on; here nothing reads them again, as if the session was gone).
        var cursors = collector.Host.Services.GetRequiredService<Oracle.Chain.Events.IChainCursorStore>();
        await using (var transaction = await cursors.BeginAsync("reorganization-test"))
        {
            await watcher.RollbackAsync((ulong)block - 1, transaction, CancellationToken.None);
            await transaction.CommitAsync();
        }

        Assert.Equal(0L, await collector.ScalarAsync<long>($"SELECT count(*) FROM chain_sessions WHERE block_number >= {block}"));
        // Forgotten in memory too: its next batch reads it from the chain (where it is still open) and is accepted.
        await using var gateway = await TestGateway.StartAsync(collector.Host.Settings["Bus:Url"]!);
        var batch = session.Next(records: 3);
        await gateway.PublishAsync(batch);
        await gateway.WaitAnsweredAsync([batch.BatchId], Wait);
        Assert.Empty(gateway.Rejected);
        Assert.Equal(1, directory.ChainReads);
        Assert.Equal(1, collector.Metrics.Count(CollectorCounters.SessionsFound, "chain"));
    }

    private static bool Watched(CollectorUnderTest collector, ulong sessionId)
        => collector.ScalarAsync<long>($"SELECT count(*) FROM chain_sessions WHERE session_id = {sessionId}").GetAwaiter().GetResult() == 1;

    [Fact]
    public async Task Consume_SameBatchTwice_StoredOnceAndAcceptedTwiceWithTheSameDigest()
    {
        var chain = await ChainSessions.GetAsync();
        var session = (await chain.SessionsAsync(1))[0];
        await using var collector = await CollectorUnderTest.StartAsync();
        await using var gateway = await TestGateway.StartAsync(collector.Host.Settings["Bus:Url"]!);
        var batch = session.Next(records: 10);

        await gateway.PublishAsync(batch);
        await TestGateway.WaitUntilAsync(() => gateway.Accepted.Count == 1, Wait, "the first answer");
        await gateway.PublishAsync(batch);
        await TestGateway.WaitUntilAsync(() => gateway.Accepted.Count == 2, Wait, "the second answer");

        var answers = gateway.Accepted.ToArray();
        Assert.Equal([EvidenceBatchVerdict.Verified, EvidenceBatchVerdict.Duplicate], answers.Select(a => a.Verdict));
        Assert.Equal(answers[0].Digest, answers[1].Digest);
        Assert.Equal(1L, await collector.ScalarAsync<long>("SELECT count(*) FROM batches"));
        Assert.Equal(10L, await collector.ScalarAsync<long>("SELECT count(*) FROM leaves"));
    }

    [Fact]
    public async Task Consume_BadBatches_EachRejectedWithItsReasonKeptInTheRejectedQueueAndCounted()
    {
        var chain = await ChainSessions.GetAsync();
        var sessions = await chain.SessionsAsync(4);
        var (a, b, c, d) = (sessions[0], sessions[1], sessions[2], sessions[3]);
        await using var collector = await CollectorUnderTest.StartAsync();
        await using var gateway = await TestGateway.StartAsync(collector.Host.Settings["Bus:Url"]!);
        var stranger = EthECKey.GenerateKey();

        // A first good batch of each session, so the others have a log to extend.
        var good = sessions.Select(s => s.Next(records: 5)).ToList();
        foreach (var batch in good)
        {
            await gateway.PublishAsync(batch);
        }

        await gateway.WaitAnsweredAsync(good.Select(g => g.BatchId), Wait);

        // A checkpoint whose signature is another key's.
        var next = a.Next(records: 3);
        var forged = next with { Checkpoint = next.Checkpoint with { Signature = a.Signed(0, [], next.Checkpoint.TreeSize, next.Checkpoint.Root, gatewayKey: stranger).Checkpoint.Signature } };
        // Records swapped under genuine signatures.
        var swapped = b.Next(records: 3);
        var wrongRoot = swapped with { LeafHashes = [swapped.LeafHashes[1], swapped.LeafHashes[0], swapped.LeafHashes[2]], SealedRecords = [swapped.SealedRecords[1], swapped.SealedRecords[0], swapped.SealedRecords[2]] };
        // A session nobody opened.
        var unknown = new SessionEvidence(chain.ChainId, chain.SessionManager, 0x7FFF_FFFF_0000_0001, a.Gateway, a.Client).Next(records: 2);
        // Signed, validly, by a key that is not the session's provider.
        c.Next(records: 3);
        var nonParty = c.Signed(5, [.. c.Records.Skip(5)], 8, c.Root(), gatewayKey: stranger);
        // A checkpoint of 2 leaves after the collector holds 5: the gateway's log forked.
        var fork = d.Signed(0, [.. d.Records.Take(2)], 2, RootOf(d.Records.Take(2)));
        // Validly signed by the session's gateway, with an epoch time no store holds (2^63): refused, not retried forever.
        var farFuture = d.Signed(0, [.. d.Records.Take(3)], 3, RootOf(d.Records.Take(3)), epochTime: 1UL << 63);
        var cases = new (EvidenceBatch Batch, EvidenceBatchError Error)[]
        {
            (forged, EvidenceBatchError.BadCheckpointSignature),
            (wrongRoot, EvidenceBatchError.RootMismatch),
            (unknown, EvidenceBatchError.UnknownSession),
            (nonParty, EvidenceBatchError.NotSessionParty),
            (fork, EvidenceBatchError.NotAnExtension),
            (farFuture, EvidenceBatchError.Malformed),
        };
        foreach (var (batch, _) in cases)
        {
            await gateway.PublishAsync(batch);
        }

        await gateway.WaitAnsweredAsync(cases.Select(c => c.Batch.BatchId), Wait);

        foreach (var (batch, error) in cases)
        {
            var rejection = Assert.Single(gateway.Rejected, r => r.BatchId == batch.BatchId);
            Assert.Equal(error, rejection.Error);
            Assert.False(string.IsNullOrWhiteSpace(rejection.Reason));
            Assert.Equal(1, collector.Metrics.Count(CollectorCounters.BatchesRejected, error.ToString()));
        }

        Assert.Equal(6L, await collector.ScalarAsync<long>("SELECT count(*) FROM rejections"));
        Assert.Equal(1L, await collector.ScalarAsync<long>("SELECT count(*) FROM conflicts WHERE kind = 'fork'"));
        Assert.Equal(4L, await collector.ScalarAsync<long>("SELECT count(*) FROM batches"));
        // Each refused batch is kept in the rejected queue with its reason.
        var kept = await DrainAsync(collector.Host.Settings["Bus:Url"]!, collector.RejectedQueue, 6);
        Assert.Equal(cases.Select(c => c.Error.ToString()).Order(), kept.Select(k => k.Error).Order());
    }

    [Fact]
    public async Task Consume_SameIdOtherContent_RejectedAsConflictAndBothKept()
    {
        var chain = await ChainSessions.GetAsync();
        var session = (await chain.SessionsAsync(1))[0];
        await using var collector = await CollectorUnderTest.StartAsync();
        await using var gateway = await TestGateway.StartAsync(collector.Host.Settings["Bus:Url"]!);
        var batch = session.Next(records: 4);
        var unpaid = batch with { Voucher = null };

        await gateway.PublishAsync(batch);
        await gateway.WaitAnsweredAsync([batch.BatchId], Wait);
        await gateway.PublishAsync(unpaid);
        await TestGateway.WaitUntilAsync(() => !gateway.Rejected.IsEmpty, Wait, "the rejection");

        var rejected = Assert.Single(gateway.Rejected);
        Assert.Equal(EvidenceBatchError.ConflictingDuplicate, rejected.Error);
        Assert.Equal(1L, await collector.ScalarAsync<long>("SELECT count(*) FROM conflicts WHERE kind = 'conflicting-duplicate'"));
        Assert.Equal(EvidenceBatchDigest.Compute(batch), await collector.ScalarAsync<byte[]>("SELECT digest FROM batches"));
        Assert.Equal(1, collector.Metrics.Count(CollectorCounters.BatchesConflicting));
    }

    [Fact]
    public async Task Consume_BatchBeforeItsPredecessor_DeferredThenAcceptedWhenPublishedAgain()
    {
        var chain = await ChainSessions.GetAsync();
        var session = (await chain.SessionsAsync(1))[0];
        await using var collector = await CollectorUnderTest.StartAsync();
        await using var gateway = await TestGateway.StartAsync(collector.Host.Settings["Bus:Url"]!);
        var first = session.Next(records: 3);
        var second = session.Next(records: 3);

        await gateway.PublishAsync(second);
        await TestGateway.WaitUntilAsync(() => collector.Metrics.Count(CollectorCounters.BatchesDeferred) == 1, Wait, "the deferral");
        Assert.True(gateway.Accepted.IsEmpty && gateway.Rejected.IsEmpty);
        // The gateway publishes again what was not answered.
        await gateway.PublishAsync(first);
        await gateway.PublishAsync(second);
        await gateway.WaitAnsweredAsync([first.BatchId, second.BatchId], Wait);

        Assert.Empty(gateway.Rejected);
        Assert.Equal(6L, await collector.ScalarAsync<long>("SELECT count(*) FROM leaves"));
    }

    [Fact]
    public async Task Consume_TruncatedAndOversizedBodies_MovedToTheErrorQueueAndIngestionGoesOn()
    {
        var chain = await ChainSessions.GetAsync();
        var session = (await chain.SessionsAsync(1))[0];
        await using var collector = await CollectorUnderTest.StartAsync(new Dictionary<string, string?> { ["Ingestion:MaxBatchBytes"] = "65536" });
        await using var gateway = await TestGateway.StartAsync(collector.Host.Settings["Bus:Url"]!);
        var oversized = session.Next(records: 1000);
        var factory = new ConnectionFactory { Uri = new Uri(collector.Host.Settings["Bus:Url"]!) };
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            var truncated = "{\"messageId\":\"00000000-0000-0000-0000-000000000001\",\"messageType\":[\"urn:message:Oracle.Core.Evidence:EvidenceBatch\"],\"message\":{\"batchId\":\"0000"u8.ToArray();
            await channel.BasicPublishAsync("oracle.evidence-batch", "", false, new BasicProperties { ContentType = "application/vnd.masstransit+json", Persistent = true }, truncated);
        }

        await gateway.PublishAsync(oversized);
        await TestGateway.WaitUntilAsync(() => collector.Metrics.Count(CollectorCounters.MessagesMalformed) == 2, Wait, "both malformed messages");
        // The session's log restarts with a batch the collector can take.
        var fresh = new SessionEvidence(chain.ChainId, chain.SessionManager, session.SessionId, session.Gateway, session.Client);
        var good = fresh.Next(records: 5);
        await gateway.PublishAsync(good);
        await gateway.WaitAnsweredAsync([good.BatchId], Wait);

        Assert.Equal(1, collector.Metrics.Count(CollectorCounters.MessagesMalformed, "oversized"));
        Assert.Equal(1, collector.Metrics.Count(CollectorCounters.MessagesMalformed, "unreadable"));
        await TestGateway.WaitUntilAsync(() => collector.QueueDepthAsync(collector.Queue + "_error").GetAwaiter().GetResult() == 2, Wait, "the error queue");
        Assert.Single(gateway.Accepted);
    }

    [Fact]
    public async Task Consume_MadeUpResponseAddress_StoredAndNoQueueCreatedOnTheBroker()
    {
        var chain = await ChainSessions.GetAsync();
        var session = (await chain.SessionsAsync(1))[0];
        await using var collector = await CollectorUnderTest.StartAsync();
        await using var gateway = await TestGateway.StartAsync(collector.Host.Settings["Bus:Url"]!);
        var batch = session.Next(records: 4);
        var madeUp = $"made-up-acks-{Guid.NewGuid():N}";
        await gateway.Bus.Publish(batch, context =>
        {
            context.MessageId = batch.BatchId;
            context.ResponseAddress = new Uri($"queue:{madeUp}");
        });
        await TestGateway.WaitUntilAsync(() => collector.Metrics.Count(CollectorCounters.BatchesAccepted) == 1, Wait, "the batch");
        // The answer follows the gateway's own queue; with none there, the collector makes none (nothing piles up).
        await Task.Delay(500);
        var factory = new ConnectionFactory { Uri = new Uri(collector.Host.Settings["Bus:Url"]!) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await Assert.ThrowsAsync<RabbitMQ.Client.Exceptions.OperationInterruptedException>(() => channel.QueueDeclarePassiveAsync(madeUp));
        Assert.Equal(1L, await collector.ScalarAsync<long>("SELECT count(*) FROM batches"));
        await using var cleanup = await connection.CreateChannelAsync();
        await cleanup.ExchangeDeleteAsync(madeUp);
    }

    private static byte[] RootOf(IEnumerable<byte[]> records)
    {
        var tree = new MerkleTree();
        foreach (var record in records)
        {
            tree.Append(record);
        }

        return tree.Root();
    }

    private static async Task<List<(string Error, string Reason)>> DrainAsync(string amqpUrl, string queue, int count)
    {
        var factory = new ConnectionFactory { Uri = new Uri(amqpUrl) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var kept = new List<(string, string)>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (kept.Count < count && DateTime.UtcNow < deadline)
        {
            var message = await channel.BasicGetAsync(queue, autoAck: true);
            if (message is null)
            {
                await Task.Delay(100);
                continue;
            }

            var headers = message.BasicProperties.Headers!;
            kept.Add((System.Text.Encoding.UTF8.GetString((byte[])headers[RejectedBatchQueue.ErrorHeader]!), System.Text.Encoding.UTF8.GetString((byte[])headers[RejectedBatchQueue.ReasonHeader]!)));
        }

        return kept;
    }
}
