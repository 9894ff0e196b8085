using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Oracle.Core.Evidence;
using VpnGateway.Metering;
using VpnGateway.Metering.Publishing;
using VpnGateway.Metering.Spool;

namespace VpnGateway.Tests.Metering;

/// <summary>The publisher's bookkeeping against a bus stand-in; the real broker is in <see cref="RabbitMqPublishingTests"/>.</summary>
public sealed class EvidencePublisherTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("metering-pub-").FullName;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
    private readonly MeteringMetrics _metrics = new();

    [Fact]
    public async Task PublishDue_BrokerConfirms_KeptUntilTheCollectorAcknowledges()
    {
        using var spool = Spool(3);
        var bus = new ScriptedBus();
        using var publisher = Publisher(spool, bus);

        Assert.Equal(3, await publisher.PublishDueAsync(CancellationToken.None));
        Assert.Equal(0, await publisher.PublishDueAsync(CancellationToken.None));

        Assert.Equal(3, spool.Pending);
        Assert.Equal(3, spool.AwaitingAcknowledgement);
        Assert.Equal(3, bus.Published.Count);
        Assert.Equal(3, _metrics.Count(MeteringCounters.BatchesPublished));

        publisher.OnAccepted(Accepted(bus.Published[0], EvidenceBatchVerdict.Verified));
        publisher.OnAccepted(Accepted(bus.Published[1], EvidenceBatchVerdict.Duplicate));
        publisher.OnAccepted(Accepted(bus.Published[1], EvidenceBatchVerdict.Duplicate)); // a second answer changes nothing

        Assert.Equal(1, spool.Pending);
        Assert.Equal(2, _metrics.Count(MeteringCounters.BatchesAcknowledged));
        Assert.Equal(1, _metrics.Count(MeteringCounters.BatchesAcknowledged, "Duplicate"));
    }

    [Fact]
    public async Task OnAccepted_DigestOfOtherContent_BatchKeptAndPublishedAgain()
    {
        using var spool = Spool(1);
        var bus = new ScriptedBus();
        using var publisher = Publisher(spool, bus, o => o.AcknowledgementTimeout = TimeSpan.FromSeconds(10));
        await publisher.PublishDueAsync(CancellationToken.None);

        // Anyone who can reach the gateway's acknowledgement queue knows the batch id; only the collector holding this
        // very content knows its digest.
        publisher.OnAccepted(Accepted(bus.Published[0], EvidenceBatchVerdict.Verified, digest: new byte[32]));
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(1, spool.Pending);
        Assert.Equal(1, _metrics.Count(MeteringCounters.AcknowledgementsMismatched));
        Assert.Equal(0, _metrics.Count(MeteringCounters.BatchesAcknowledged));
        Assert.Equal(1, await publisher.PublishDueAsync(CancellationToken.None));
        Assert.Equal(EvidenceBatchDigest.Compute(bus.Published[0]), EvidenceBatchDigest.Compute(bus.Published[1]));
    }

    [Fact]
    public async Task PublishDue_NoAcknowledgement_PublishedAgainWithGrowingTimeout()
    {
        using var spool = Spool(1);
        var bus = new ScriptedBus();
        using var publisher = Publisher(spool, bus, o => o.AcknowledgementTimeout = TimeSpan.FromSeconds(10));

        Assert.Equal(1, await publisher.PublishDueAsync(CancellationToken.None));
        _time.Advance(TimeSpan.FromSeconds(9.9));
        Assert.Equal(0, await publisher.PublishDueAsync(CancellationToken.None));
        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(1, await publisher.PublishDueAsync(CancellationToken.None)); // after 10 s
        _time.Advance(TimeSpan.FromSeconds(19.9));
        Assert.Equal(0, await publisher.PublishDueAsync(CancellationToken.None));
        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(1, await publisher.PublishDueAsync(CancellationToken.None)); // after 20 s more

        Assert.Equal(3, bus.Published.Count);
        Assert.All(bus.Published, b => Assert.Equal(bus.Published[0].BatchId, b.BatchId));
        Assert.Equal(2, _metrics.Count(MeteringCounters.BatchesRepublished));
        publisher.OnAccepted(Accepted(bus.Published[0], EvidenceBatchVerdict.Duplicate));
        Assert.Equal(0, spool.Pending);
    }

    [Fact]
    public async Task OnRejected_BatchQuarantinedAndNotPublishedAgain()
    {
        using var spool = Spool(2);
        var bus = new ScriptedBus();
        using var publisher = Publisher(spool, bus, o => o.AcknowledgementTimeout = TimeSpan.FromSeconds(1));
        await publisher.PublishDueAsync(CancellationToken.None);

        publisher.OnRejected(new EvidenceBatchRejected
        {
            BatchId = bus.Published[0].BatchId, SessionId = 1, TreeSize = 1, Digest = EvidenceBatchDigest.Compute(bus.Published[0]),
            Error = EvidenceBatchError.BadCheckpointSignature, Reason = "not the gateway",
        });
        _time.Advance(TimeSpan.FromSeconds(5));
        await publisher.PublishDueAsync(CancellationToken.None);

        Assert.Equal(3, bus.Published.Count); // the second batch again, the rejected one never
        Assert.Equal(bus.Published[1].BatchId, bus.Published[2].BatchId);
        Assert.Equal(1, spool.Quarantined);
        Assert.Equal(1, _metrics.Count(MeteringCounters.BatchesRejected, "BadCheckpointSignature"));
        Assert.Contains("not the gateway", spool.Entries().Single(e => e.State == SpoolState.Rejected).LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnRejected_ForgedWithoutTheDigest_IgnoredAndPublishedAgain()
    {
        using var spool = Spool(1);
        var bus = new ScriptedBus();
        using var publisher = Publisher(spool, bus, o => o.AcknowledgementTimeout = TimeSpan.FromSeconds(1));
        await publisher.PublishDueAsync(CancellationToken.None);

        publisher.OnRejected(new EvidenceBatchRejected
        {
            BatchId = bus.Published[0].BatchId, SessionId = 1, TreeSize = 1, Digest = new byte[32], Error = EvidenceBatchError.BadCheckpointSignature, Reason = "forged",
        });
        _time.Advance(TimeSpan.FromSeconds(5));
        await publisher.PublishDueAsync(CancellationToken.None);

        Assert.Equal(0, spool.Quarantined);
        Assert.Equal(2, bus.Published.Count);
        Assert.Equal(1, _metrics.Count(MeteringCounters.RejectionsIgnored, "OtherContent"));
    }

    [Fact]
    public async Task ListenAsync_StartsTheAcknowledgementQueueOnce()
    {
        using var spool = Spool(0);
        var bus = new ScriptedBus();
        using var publisher = Publisher(spool, bus);

        await publisher.ListenAsync(CancellationToken.None);
        await publisher.ListenAsync(CancellationToken.None);

        Assert.Same(publisher, Assert.Single(bus.Listeners));
    }

    [Fact]
    public async Task PublishDue_BrokerFails_KeptAndRetriedWithGrowingDelay()
    {
        using var spool = Spool(1);
        var bus = new ScriptedBus { FailuresLeft = 2 };
        using var publisher = Publisher(spool, bus);

        Assert.Equal(0, await publisher.PublishDueAsync(CancellationToken.None)); // failure 1: retry in 0.5..0.6 s
        Assert.Equal(0, await publisher.PublishDueAsync(CancellationToken.None)); // not due yet
        Assert.Equal(0, bus.Attempts - 1);
        _time.Advance(TimeSpan.FromMilliseconds(601));
        Assert.Equal(0, await publisher.PublishDueAsync(CancellationToken.None)); // failure 2: retry in 1..1.2 s
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(0, await publisher.PublishDueAsync(CancellationToken.None));
        Assert.Equal(1, spool.Pending);
        _time.Advance(TimeSpan.FromMilliseconds(202));

        Assert.Equal(1, await publisher.PublishDueAsync(CancellationToken.None));
        Assert.Equal(1, spool.AwaitingAcknowledgement);
        Assert.Equal(3, bus.Attempts);
        Assert.Equal(2, _metrics.Count(MeteringCounters.PublishFailures));
    }

    [Fact]
    public async Task PublishDue_BrokerHangs_TimesOutAndKeepsTheBatch()
    {
        using var spool = Spool(1);
        var bus = new ScriptedBus { Hang = true };
        using var publisher = Publisher(spool, bus, o => o.PublishTimeout = TimeSpan.FromMilliseconds(50));

        Assert.Equal(0, await publisher.PublishDueAsync(CancellationToken.None));

        Assert.Equal(1, spool.Pending);
        Assert.Equal(1, _metrics.Count(MeteringCounters.PublishFailures, "TaskCanceledException"));
    }

    [Fact]
    public void Backoff_DoublesUpToTheCap()
    {
        using var spool = Spool(0);
        using var publisher = Publisher(spool, new ScriptedBus());

        Assert.InRange(publisher.Backoff(1).TotalMilliseconds, 500, 600);
        Assert.InRange(publisher.Backoff(3).TotalMilliseconds, 2000, 2400);
        Assert.InRange(publisher.Backoff(30).TotalMilliseconds, 30_000, 36_000);
    }

    public void Dispose()
    {
        _metrics.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private EvidenceSpool Spool(int batches)
    {
        var spool = EvidenceSpool.Open(Path.Combine(_folder, "spool.db"));
        for (var i = 1; i <= batches; i++)
        {
            var batch = new EvidenceBatch
            {
                BatchId = EvidenceBatchId.For(31337, "0x5FbDB2315678afecb367f032d93F642f64180aa3", 1, (ulong)i),
                ChainId = 31337,
                SessionManager = "0x5FbDB2315678afecb367f032d93F642f64180aa3",
                SessionId = 1,
                Gateway = "0x0000000000000000000000000000000000000001",
                Client = "0x0000000000000000000000000000000000000002",
                FirstLeafIndex = (ulong)i - 1,
                LeafHashes = [new byte[32]],
                SealedRecords = [new byte[RecordSealer.SealedSize]],
                Checkpoint = new SignedCheckpoint { TreeSize = (ulong)i, Root = new byte[32], EpochTime = 1, CaptureDrops = 0, Signature = "0x00" },
            };
            spool.AddCheckpoint(batch, [new byte[95]], (ulong)i, 0, 0);
        }

        return spool;
    }

    private EvidencePublisher Publisher(EvidenceSpool spool, IEvidenceBus bus, Action<MeteringOptions>? configure = null)
    {
        var options = new MeteringOptions();
        configure?.Invoke(options);
        return new EvidencePublisher(spool, bus, options, _metrics, _time, NullLogger<EvidencePublisher>.Instance);
    }

    private static EvidenceBatchAccepted Accepted(EvidenceBatch batch, EvidenceBatchVerdict verdict, byte[]? digest = null)
        => new() { BatchId = batch.BatchId, SessionId = batch.SessionId, TreeSize = batch.Checkpoint.TreeSize, Digest = digest ?? EvidenceBatchDigest.Compute(batch), Verdict = verdict, Consumer = "test" };

    private sealed class ScriptedBus : IEvidenceBus
    {
        public List<IEvidenceAcknowledgementHandler> Listeners { get; } = [];

        public Task<IAsyncDisposable> ListenAsync(IEvidenceAcknowledgementHandler handler, CancellationToken cancellationToken)
        {
            Listeners.Add(handler);
            return Task.FromResult<IAsyncDisposable>(new Nothing());
        }

        public int FailuresLeft { get; set; }

        public bool Hang { get; set; }

        public List<EvidenceBatch> Published { get; } = [];

        public int Attempts { get; private set; }

        public async Task PublishAsync(EvidenceBatch batch, CancellationToken cancellationToken)
        {
            Attempts++;
            if (Hang)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            if (FailuresLeft-- > 0)
            {
                throw new IOException("broker unreachable");
            }

            Published.Add(batch);
        }

        private sealed class Nothing : IAsyncDisposable
        {
            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
