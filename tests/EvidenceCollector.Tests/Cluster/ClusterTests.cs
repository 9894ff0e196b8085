using EvidenceCollector.Tests.Faults;
using EvidenceCollector.Tests.Support;

namespace EvidenceCollector.Tests.Cluster;

[Collection(BusCollection.Name)]
public sealed class ClusterTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(240);

    /// <summary>
    /// Two collector processes on one quorum queue of a three-node RabbitMQ cluster and one PostgreSQL; under load the
    /// broker node they connected to and the sequencer process are killed. Every batch is stored once, every record
    /// hash-checked, the global log whole (the other process took the sequencer over), the audit clean.
    /// </summary>
    [Fact]
    public async Task Ingest_BrokerNodeAndSequencerKilledUnderLoad_NothingLostNothingDuplicated()
    {
        var (chain, sessions, batches) = await FaultTests.EvidenceAsync(sessionCount: 6, batchesPerSession: 12, records: 100);
        await using var cluster = await RabbitMqCluster.StartAsync();
        // Groups of two batches, one at a time per process: the kills find most of the batches still to be stored.
        await using var collectors = await CollectorProcesses.CreateAsync(cluster.AmqpUrl(0), cluster.OtherNodes(0), new Dictionary<string, string?>
        {
            ["Ingestion:MaxGroupBatches"] = "2",
            ["Ingestion:GroupCommitters"] = "1",
        });
        await collectors.StartAsync("a");
        await collectors.StartAsync("b");
        await using var gateway = await TestGateway.StartAsync(cluster.AmqpUrl(1), cluster.OtherNodes(1), quorumAcknowledgements: true);

        // In three parts, each session's batches in order: the broker node dies under the first, the sequencer under the
        // second, and the third comes after both (so the process left must store and sequence it, however fast the
        // first parts went).
        var thirds = batches.Chunk((batches.Count + 2) / 3).ToList();
        try
        {
            var publishing = gateway.PublishUntilAcceptedAsync(thirds[0], TimeSpan.FromSeconds(10), Timeout);
            await TestGateway.WaitUntilAsync(() => gateway.Accepted.Count >= thirds[0].Length / 2 || publishing.IsCompleted, Timeout, "half of the first part's acceptances");
            var sequencer = await collectors.SequencerAsync();
            Assert.NotNull(sequencer);
            // The node both collectors connected to first, where their queue's leader was declared.
            cluster.Kill(0);
            await publishing;
            publishing = gateway.PublishUntilAcceptedAsync(thirds[1], TimeSpan.FromSeconds(10), Timeout);
            sequencer = await collectors.SequencerAsync();
            collectors.Processes.Single(p => p.DataDirectory.EndsWith("/" + sequencer, StringComparison.Ordinal)).Kill();
            await publishing;
            await gateway.PublishUntilAcceptedAsync(thirds[2], TimeSpan.FromSeconds(10), Timeout);
            await TestGateway.WaitUntilAsync(() => collectors.CountAsync("SELECT count(*) FROM batches WHERE log_index IS NULL").GetAwaiter().GetResult() == 0, Timeout, "the sequencer");

            await EvidenceCheck.AssertCompleteAsync(collectors.Database, chain.Domain, sessions, batches);
            Assert.NotEqual(sequencer, await collectors.SequencerAsync());
        }
        catch (Exception e) when (e is TimeoutException or Xunit.Sdk.XunitException)
        {
            throw new InvalidOperationException(e.Message + "\n" + collectors.Logs(), e);
        }
    }
}
