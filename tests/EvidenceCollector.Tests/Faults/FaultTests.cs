using EvidenceCollector.Tests.Support;
using Npgsql;
using Oracle.Core.Evidence;
using Oracle.Devnet.Runtime;
using Oracle.Storage;
using Oracle.Testing;

namespace EvidenceCollector.Tests.Faults;

/// <summary>
/// Faults during ingestion, each ending with every batch stored once, every record hash-checked, the global log whole
/// and the audit clean: the broker killed and restarted, PostgreSQL restarted, the collector process killed.
/// </summary>
[Collection(BusCollection.Name)]
public sealed class FaultTests
{
    // Generous: on a loaded machine a RabbitMQ node or PostgreSQL takes minutes to come back (the tests take about a minute).
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(300);
    private static readonly TimeSpan RepublishAfter = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task Ingest_BrokerKilledAndRestarted_NothingLostNothingDuplicated()
    {
        var (chain, sessions, batches) = await EvidenceAsync(sessionCount: 4, batchesPerSession: 10);
        await using var broker = new RabbitMqNode(Directory.CreateTempSubdirectory("collector-fault-broker-").FullName) { StartTimeout = TimeSpan.FromSeconds(180) };
        await broker.StartAsync();
        await using var collector = await CollectorUnderTest.StartAsync(new Dictionary<string, string?> { ["Bus:Url"] = broker.AmqpUrl });
        await using var gateway = await TestGateway.StartAsync(broker.AmqpUrl);

        var publishing = gateway.PublishUntilAcceptedAsync(batches, RepublishAfter, Timeout);
        await TestGateway.WaitUntilAsync(() => gateway.Accepted.Count >= 10 || publishing.IsCompleted, Timeout, "the first acceptances");
        broker.Kill();
        await Task.Delay(TimeSpan.FromSeconds(1));
        await broker.RestartAsync();
        int publications;
        try
        {
            publications = await publishing;
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; broker running: {broker.IsRunning}, log:\n{broker.Processes[^1].LogTail(60)}", e);
        }

        await collector.WaitSequencedAsync(Timeout);

        await EvidenceCheck.AssertCompleteAsync(collector.Database.DataSource, chain.Domain, sessions, batches);
        Assert.True(publications >= batches.Count);
    }

    [Fact]
    public async Task Ingest_PostgresRestarted_NothingLostNothingDuplicated()
    {
        var (chain, sessions, batches) = await EvidenceAsync(sessionCount: 4, batchesPerSession: 10);
        await using var postgres = new PostgresCluster(Directory.CreateTempSubdirectory("collector-fault-postgres-").FullName) { StartTimeout = TimeSpan.FromSeconds(180) };
        await postgres.StartAsync();
        await using (var admin = new NpgsqlConnection(postgres.ConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand("CREATE DATABASE collector_fault", admin);
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Database = "collector_fault" }.ConnectionString;
        await using var collector = await CollectorUnderTest.StartAsync(new Dictionary<string, string?> { ["Database:ConnectionString"] = connectionString });
        await using var gateway = await TestGateway.StartAsync(collector.Host.Settings["Bus:Url"]!);

        var publishing = gateway.PublishUntilAcceptedAsync(batches, RepublishAfter, Timeout);
        await TestGateway.WaitUntilAsync(() => gateway.Accepted.Count >= 10 || publishing.IsCompleted, Timeout, "the first acceptances");
        await postgres.RestartAsync();
        await publishing;
        await collector.WaitSequencedAsync(Timeout);

        await using var database = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = "collector" }.ConnectionString);
        await EvidenceCheck.AssertCompleteAsync(database, chain.Domain, sessions, batches);
    }

    [Fact]
    public async Task Ingest_CollectorKilledMidBatch_NothingLostNothingDuplicated()
    {
        var (chain, sessions, batches) = await EvidenceAsync(sessionCount: 4, batchesPerSession: 10, records: 200);
        var amqp = await Oracle.Testing.LocalServices.AmqpUrlAsync();
        // Groups of two batches, one at a time: the kill finds most of the batches still to be stored.
        await using var collectors = await CollectorProcesses.CreateAsync(amqp, overrides: new Dictionary<string, string?>
        {
            ["Ingestion:MaxGroupBatches"] = "2",
            ["Ingestion:GroupCommitters"] = "1",
        });
        var first = await collectors.StartAsync("first");
        await using var gateway = await TestGateway.StartAsync(amqp);

        var publishing = gateway.PublishUntilAcceptedAsync(batches, RepublishAfter, Timeout);
        await TestGateway.WaitUntilAsync(() => gateway.Accepted.Count >= 8 || publishing.IsCompleted, Timeout, "the first acceptances");
        // SIGKILL with transactions and deliveries in flight.
        first.Kill();
        await collectors.StartAsync("second");
        try
        {
            await publishing;
            await TestGateway.WaitUntilAsync(() => collectors.CountAsync("SELECT count(*) FROM batches WHERE log_index IS NULL").GetAwaiter().GetResult() == 0, Timeout, "the sequencer");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException(e.Message + "\n" + collectors.Logs(), e);
        }

        await EvidenceCheck.AssertCompleteAsync(collectors.Database, chain.Domain, sessions, batches);
        Assert.Equal("second", await collectors.SequencerAsync());
    }

    internal static async Task<(ChainSessions Chain, IReadOnlyList<SessionEvidence> Sessions, List<EvidenceBatch> Batches)> EvidenceAsync(int sessionCount, int batchesPerSession, int records = 50)
    {
        var chain = await ChainSessions.GetAsync();
        var sessions = await chain.SessionsAsync(sessionCount);
        var batches = new List<EvidenceBatch>();
        for (var i = 0; i < batchesPerSession; i++)
        {
            batches.AddRange(sessions.Select(s => s.Next(records)));
        }

        return (chain, sessions, batches);
    }
}
