using Oracle.Core.Evidence;
using Oracle.Core.Merkle;
using Oracle.Testing;
using VpnGateway.Tests.Metering.Support;

namespace VpnGateway.Tests.Metering;

/// <summary>The provider's metering process killed (SIGKILL) mid-epoch and restarted on the same spool.</summary>
public sealed class MeteringProcessCrashTests(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("metering-crash-").FullName;

    [Fact]
    public async Task Serve_KilledMidEpochThenRestarted_LogContinuesAndEveryBatchArrivesOnce()
    {
        const int EpochMs = 400;
        var session = SignedBatches.UniqueSessionId();
        var inbox = new CollectingInbox(session);
        using var consumer = BusHosts.Create(rabbit.AmqpUrl, RabbitMqFixture.UniqueName("evidence-crash"), inbox.Inbox);
        await consumer.StartAsync();
        var spool = Path.Combine(_folder, "spool.db");

        ulong killedAfter;
        using (var first = ServeProcess.Start(spool, rabbit.AmqpUrl, session, stopAfter: long.MaxValue, EpochMs))
        {
            Assert.Equal(0UL, await first.WaitForAsync("resumed", TimeSpan.FromSeconds(60)));
            await first.WaitForAsync("checkpoint", TimeSpan.FromSeconds(30));
            await first.WaitForAsync("checkpoint", TimeSpan.FromSeconds(30));
            killedAfter = await first.WaitForAsync("checkpoint", TimeSpan.FromSeconds(30));
            await Task.Delay(EpochMs / 2); // mid-epoch: flows open, records closed but not yet in a checkpoint
            first.Kill();
        }

        ulong final;
        using (var second = ServeProcess.Start(spool, rabbit.AmqpUrl, session, stopAfter: 3, EpochMs))
        {
            var resumed = await second.WaitForAsync("resumed", TimeSpan.FromSeconds(60));
            Assert.True(resumed >= killedAfter, $"the log restarted at {resumed} leaves, below the {killedAfter} checkpointed before the kill");
            final = await second.WaitForAsync("done", TimeSpan.FromSeconds(90));
            await second.WaitForExitAsync(TimeSpan.FromSeconds(30));
            Assert.True(second.ExitCode == 0, $"exit {second.ExitCode} (0: its spool drained):\n{second.ErrorText}");
        }

        await inbox.WaitForChainAsync(final, TimeSpan.FromSeconds(60));
        await consumer.StopAsync();

        // The consumer rebuilds the session's log from the batches alone: one unbroken chain from leaf 0, every root as signed.
        var tree = new MerkleTree();
        foreach (var batch in inbox.InOrder())
        {
            Assert.Equal(tree.Size, batch.FirstLeafIndex);
            Assert.Equal(EvidenceBatchError.None, EvidenceBatchVerifier.Verify(batch).Error);
            foreach (var leafHash in batch.LeafHashes)
            {
                tree.AppendLeafHash(leafHash);
            }

            Assert.Equal(tree.Root(), batch.Checkpoint.Root);
        }

        Assert.Equal(final, tree.Size);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Keeps the batches themselves (the inbox keeps hashes) to rebuild the log.</summary>
    private sealed class CollectingInbox
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<Guid, EvidenceBatch> _batches = new();

        public CollectingInbox(ulong session) => Inbox = new EvidenceInbox(session) { OnFirstDelivery = b => _batches.TryAdd(b.BatchId, b) };

        public EvidenceInbox Inbox { get; }

        public IEnumerable<EvidenceBatch> InOrder() => _batches.Values.OrderBy(b => b.FirstLeafIndex);

        public async Task WaitForChainAsync(ulong size, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (!_batches.Values.Any(b => b.Checkpoint.TreeSize == size) || _batches.Values.Sum(b => b.LeafHashes.Count) < (int)size)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"{_batches.Count} batches, {_batches.Values.Sum(b => b.LeafHashes.Count)} of {size} records arrived");
                }

                await Task.Delay(50);
            }
        }
    }
}
