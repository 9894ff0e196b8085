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

/// <summary>Spooled evidence published with MassTransit to a real RabbitMQ, consumed by a deduplicating consumer.</summary>
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
        while (spool.Pending > 0)
        {
            await publisher.PublishDueAsync(CancellationToken.None);
        }

        await inbox.WaitForAsync(20, TimeSpan.FromSeconds(30));
        await consumer.StopAsync();
        await gateway.StopAsync();

        Assert.Equal(session.Hashes, inbox.Batches.ToDictionary(b => b.Key, b => b.Value.Hash));
        Assert.All(inbox.Batches.Values, b => Assert.Equal(EvidenceBatchError.None, b.Error));
        Assert.Equal(0, inbox.Duplicates);
        Assert.Equal(20, _metrics.Count(MeteringCounters.BatchesPublished));
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

        Assert.Equal(0, await publisher.PublishDueAsync(CancellationToken.None)); // returned as unroutable (mandatory)
        Assert.Equal(1, spool.Pending);
        Assert.Equal(1, _metrics.Count(MeteringCounters.PublishFailures));

        var inbox = new EvidenceInbox(session.SessionId);
        using var consumer = BusHosts.Create(broker.AmqpUrl, RabbitMqFixture.UniqueName("evidence-test"), inbox);
        await consumer.StartAsync();
        await Task.Delay(TimeSpan.FromSeconds(1)); // past the first retry delay
        Assert.Equal(1, await publisher.PublishDueAsync(CancellationToken.None));
        await inbox.WaitForAsync(1, TimeSpan.FromSeconds(30));
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
        using var publisher = Publisher(spool, gateway, o => o.PublishTimeout = TimeSpan.FromSeconds(3));
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
        // A batch the broker took but did not confirm before it died is still spooled: it goes out again (a duplicate
        // the consumer drops) and only then leaves the spool.
        for (var i = 0; spool.Pending > 0 && i < 300; i++)
        {
            await Task.Delay(100);
        }

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

    private EvidencePublisher Publisher(EvidenceSpool spool, IHost gateway, Action<MeteringOptions>? configure = null)
    {
        var options = new MeteringOptions { RetryDelay = TimeSpan.FromMilliseconds(200), MaxRetryDelay = TimeSpan.FromSeconds(2) };
        configure?.Invoke(options);
        return new EvidencePublisher(spool, new MassTransitEvidenceBus(gateway.Services.GetRequiredService<IBus>()), options, _metrics, TimeProvider.System, NullLogger<EvidencePublisher>.Instance);
    }
}
