using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Oracle.Core.Evidence;
using Oracle.Devnet.Runtime;
using Oracle.Testing;
using VpnGateway.Metering;
using VpnGateway.Metering.Publishing;
using VpnGateway.Metering.Spool;
using VpnGateway.Tests.Metering.Support;

namespace VpnGateway.Tests.Metering;

/// <summary>
/// Spooled evidence published with MassTransit to a real RabbitMQ, consumed by a deduplicating consumer that answers on
/// the gateway's acknowledgement queue; a batch leaves the spool only on the consumer's acknowledgement.
/// </summary>
public sealed class RabbitMqPublishingTests(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("metering-bus-").FullName;
    private readonly MeteringMetrics _metrics = new();

    [Fact]
    public async Task Publish_SpooledBatches_EachArrivesOnceIntactAndVerified()
    {
        var session = new SignedBatches(SignedBatches.UniqueSessionId());
        var inbox = new EvidenceInbox(session.SessionId);
        using var consumer = BusHosts.Create(rabbit.AmqpUrl, RabbitMqFixture.UniqueName("evidence-test"), inbox);
        await consumer.StartAsync();
        using var gateway = BusHosts.Create(rabbit.AmqpUrl);
        await gateway.StartAsync();
        using var spool = EvidenceSpool.Open(Path.Combine(_folder, "spool.db"));
        for (var i = 0; i < 20; i++)
        {
            session.AddTo(spool, records: 50);
        }

        using var publisher = Publisher(spool, gateway);
        await publisher.ListenAsync(CancellationToken.None);
        while (spool.Peek(long.MaxValue, 100).Count > 0)
        {
            await publisher.PublishDueAsync(CancellationToken.None);
        }

        await inbox.WaitForAsync(20, TimeSpan.FromSeconds(30));
        await WaitUntilDrainedAsync(spool, TimeSpan.FromSeconds(30));
        await consumer.StopAsync();
        await gateway.StopAsync();

        Assert.Equal(session.Hashes, inbox.Batches.ToDictionary(b => b.Key, b => b.Value.Hash));
        Assert.All(inbox.Batches.Values, b => Assert.Equal(EvidenceBatchError.None, b.Error));
        Assert.Equal(0, inbox.Duplicates);
        Assert.Equal(20, _metrics.Count(MeteringCounters.BatchesPublished));
        Assert.Equal(20, _metrics.Count(MeteringCounters.BatchesAcknowledged, "Verified"));
    }

    [Fact]
    public async Task Publish_AcknowledgementLost_PublishedAgainAndTheDuplicateAcknowledged()
    {
        var session = new SignedBatches(SignedBatches.UniqueSessionId());
        var inbox = new EvidenceInbox(session.SessionId) { Silent = true };
        using var consumer = BusHosts.Create(rabbit.AmqpUrl, RabbitMqFixture.UniqueName("evidence-test"), inbox);
        await consumer.StartAsync();
        using var gateway = BusHosts.Create(rabbit.AmqpUrl);
        await gateway.StartAsync();
        using var spool = EvidenceSpool.Open(Path.Combine(_folder, "spool.db"));
        session.AddTo(spool, records: 10);
        using var publisher = Publisher(spool, gateway, o => o.AcknowledgementTimeout = TimeSpan.FromSeconds(1));
        await publisher.StartAsync(CancellationToken.None);

        await inbox.WaitForAsync(1, TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Equal(1, spool.Pending); // stored by the consumer, but the gateway never heard: still spooled
        inbox.Silent = false;
        await WaitUntilDrainedAsync(spool, TimeSpan.FromSeconds(30));
        await publisher.StopAsync(CancellationToken.None);
        await consumer.StopAsync();
        await gateway.StopAsync();

        Assert.Single(inbox.Batches);
        Assert.True(inbox.Duplicates >= 1, "the batch was published again");
        Assert.True(_metrics.Count(MeteringCounters.BatchesRepublished) >= 1);
        Assert.Equal(1, _metrics.Count(MeteringCounters.BatchesAcknowledged, "Duplicate"));
    }

    [Fact]
    public async Task Publish_ConsumerRejectsAForgedBatch_QuarantinedInTheSpoolWithTheReason()
    {
        var session = new SignedBatches(SignedBatches.UniqueSessionId());
        var inbox = new EvidenceInbox(session.SessionId);
        using var consumer = BusHosts.Create(rabbit.AmqpUrl, RabbitMqFixture.UniqueName("evidence-test"), inbox);
        await consumer.StartAsync();
        using var gateway = BusHosts.Create(rabbit.AmqpUrl);
        await gateway.StartAsync();
        using var spool = EvidenceSpool.Open(Path.Combine(_folder, "spool.db"));
        var good = session.AddTo(spool, records: 5);
        var forged = session.AddTo(spool, records: 5, tamper: b => b with { Checkpoint = b.Checkpoint with { EpochTime = b.Checkpoint.EpochTime + 1 } });
        using var publisher = Publisher(spool, gateway, o => o.AcknowledgementTimeout = TimeSpan.FromSeconds(1));
        await publisher.StartAsync(CancellationToken.None);

        await WaitUntilDrainedAsync(spool, TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // past the acknowledgement timeout: a rejected batch is not published again
        await publisher.StopAsync(CancellationToken.None);
        await consumer.StopAsync();
        await gateway.StopAsync();

        var kept = Assert.Single(spool.Entries());
        Assert.Equal(forged.BatchId, kept.BatchId);
        Assert.Equal(SpoolState.Rejected, kept.State);
        Assert.StartsWith("BadCheckpointSignature", kept.LastError, StringComparison.Ordinal);
        Assert.Equal(EvidenceBatchError.None, inbox.Batches[good.BatchId].Error);
        Assert.Equal(EvidenceBatchError.BadCheckpointSignature, inbox.Batches[forged.BatchId].Error);
        Assert.Equal(1, _metrics.Count(MeteringCounters.BatchesRejected, "BadCheckpointSignature"));
        Assert.Equal(1, inbox.Answers.Count(a => a.Rejected is not null));
    }

    [Fact]
    public async Task Publish_NoQueueTakesTheBatchesYet_KeptUntilAConsumerBinds()
    {
        await using var broker = new RabbitMqNode(Path.Combine(_folder, "rabbit"));
        await broker.StartAsync();
        var session = new SignedBatches(SignedBatches.UniqueSessionId());
        using var spool = EvidenceSpool.Open(Path.Combine(_folder, "spool.db"));
        session.AddTo(spool, records: 10);
        using var gateway = BusHosts.Create(broker.AmqpUrl);
        await gateway.StartAsync();
        using var publisher = Publisher(spool, gateway);
        await publisher.ListenAsync(CancellationToken.None);

        Assert.Equal(0, await publisher.PublishDueAsync(CancellationToken.None)); // returned as unroutable (mandatory)
        Assert.Equal(1, spool.Pending);
        Assert.Equal(1, _metrics.Count(MeteringCounters.PublishFailures));

        var inbox = new EvidenceInbox(session.SessionId);
        using var consumer = BusHosts.Create(broker.AmqpUrl, RabbitMqFixture.UniqueName("evidence-test"), inbox);
        await consumer.StartAsync();
        await Task.Delay(TimeSpan.FromSeconds(1)); // past the first retry delay
        Assert.Equal(1, await publisher.PublishDueAsync(CancellationToken.None));
        await inbox.WaitForAsync(1, TimeSpan.FromSeconds(30));
        await WaitUntilDrainedAsync(spool, TimeSpan.FromSeconds(30));
        await consumer.StopAsync();
        await gateway.StopAsync();

        Assert.Equal(0, spool.Pending);
        Assert.Equal(session.Hashes.Single().Value, inbox.Batches.Single().Value.Hash);
    }

    [Fact]
    public async Task Publish_BrokerKilledAndRestartedDuringTheRun_EveryBatchArrivesExactlyOnce()
    {
        await using var broker = new RabbitMqNode(Path.Combine(_folder, "rabbit"));
        await broker.StartAsync();
        var session = new SignedBatches(SignedBatches.UniqueSessionId());
        var inbox = new EvidenceInbox(session.SessionId);
        using var consumer = BusHosts.Create(broker.AmqpUrl, RabbitMqFixture.UniqueName("evidence-test"), inbox);
        await consumer.StartAsync();
        using var gateway = BusHosts.Create(broker.AmqpUrl);
        await gateway.StartAsync();
        using var spool = EvidenceSpool.Open(Path.Combine(_folder, "spool.db"));
        using var publisher = Publisher(spool, gateway, o =>
        {
            o.PublishTimeout = TimeSpan.FromSeconds(3);
            o.AcknowledgementTimeout = TimeSpan.FromSeconds(3);
            o.MaxAcknowledgementTimeout = TimeSpan.FromSeconds(6);
        });
        await publisher.StartAsync(CancellationToken.None);

        const int Total = 60;
        for (var i = 0; i < Total; i++)
        {
            session.AddTo(spool, records: 20);
            if (i == 20)
            {
                await inbox.WaitForAsync(10, TimeSpan.FromSeconds(30));
                broker.Kill();
            }

            if (i == 40)
            {
                await broker.RestartAsync();
            }

            await Task.Delay(30);
        }

        await inbox.WaitForAsync(Total, TimeSpan.FromSeconds(120));
        // A batch the broker took but did not confirm, or whose acknowledgement died with the broker, is still spooled:
        // it goes out again (a duplicate the consumer stores once and acknowledges) and only then leaves the spool.
        await WaitUntilDrainedAsync(spool, TimeSpan.FromSeconds(60));

        await publisher.StopAsync(CancellationToken.None);
        await consumer.StopAsync();
        await gateway.StopAsync();

        Assert.Equal(Total, inbox.Batches.Count);
        Assert.Equal(session.Hashes, inbox.Batches.ToDictionary(b => b.Key, b => b.Value.Hash));
        Assert.All(inbox.Batches.Values, b => Assert.Equal(EvidenceBatchError.None, b.Error));
        Assert.Equal(0, spool.Pending);
        Assert.True(_metrics.Count(MeteringCounters.PublishFailures) > 0, "the outage was never noticed");
    }

    public void Dispose()
    {
        _metrics.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static async Task WaitUntilDrainedAsync(EvidenceSpool spool, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (spool.Pending > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{spool.Pending} batches still spooled ({spool.AwaitingAcknowledgement} waiting for the consumer's acknowledgement)");
            await Task.Delay(100);
        }
    }

    private EvidencePublisher Publisher(EvidenceSpool spool, IHost gateway, Action<MeteringOptions>? configure = null)
    {
        var options = new MeteringOptions { RetryDelay = TimeSpan.FromMilliseconds(200), MaxRetryDelay = TimeSpan.FromSeconds(2) };
        configure?.Invoke(options);
        var bus = new MassTransitEvidenceBus(gateway.Services.GetRequiredService<IBus>(), RabbitMqFixture.UniqueName("evidence-acks"));
        return new EvidencePublisher(spool, bus, options, _metrics, TimeProvider.System, NullLogger<EvidencePublisher>.Instance);
    }
}
