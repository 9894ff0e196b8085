using EvidenceCollector.Log;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Oracle.Storage;
using Oracle.Testing;
using RabbitMQ.Client;

namespace EvidenceCollector.Tests.Support;

/// <summary>
/// The evidence collector running in the test process (<see cref="OracleServiceHost{TProgram}"/>: the real chain, a
/// fresh database, the broker, a fresh key) with queues of its own, deleted again on dispose so no later test's batches
/// pile up in them.
/// </summary>
internal sealed class CollectorUnderTest : IAsyncDisposable
{
    private readonly string _amqpUrl;

    private CollectorUnderTest(OracleServiceHost<Program> host, string amqpUrl)
    {
        Host = host;
        _amqpUrl = amqpUrl;
        Queue = host.Settings["Ingestion:Queue"]!;
        RejectedQueue = host.Settings["Ingestion:RejectedQueue"]!;
    }

    public OracleServiceHost<Program> Host { get; }

    public string Queue { get; }

    public string RejectedQueue { get; }

    public CollectorMetrics Metrics => Host.Services.GetRequiredService<CollectorMetrics>();

    public OracleDatabase Database => Host.Services.GetRequiredService<OracleDatabase>();

    public LogIdentity Identity => Host.Services.GetRequiredService<LogIdentity>();

    /// <summary>Starts a collector with test-sized settings plus <paramref name="overrides"/>.</summary>
    public static async Task<CollectorUnderTest> StartAsync(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var name = $"collector-test-{Guid.NewGuid():N}"[..28];
        var settings = new Dictionary<string, string?>
        {
            ["Ingestion:Queue"] = name,
            ["Ingestion:RejectedQueue"] = name + "-rejected",
            ["Ingestion:GapWait"] = "00:00:01",
            ["Log:SequenceInterval"] = "00:00:00.050",
            ["Log:LeaderPollInterval"] = "00:00:00.200",
            ["Anchoring:Enabled"] = "false",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var host = await OracleServiceHost<Program>.StartAsync(settings);
        return new CollectorUnderTest(host, host.Settings["Bus:Url"]!);
    }

    /// <summary>Runs <paramref name="sql"/> on the collector's schema and returns the first column of the first row.</summary>
    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = await Database.DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The records stored for <paramref name="sessionId"/>, in leaf order.</summary>
    public async Task<List<byte[]>> RecordsAsync(ulong sessionId)
    {
        var records = new List<byte[]>();
        await using var connection = await Database.DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT record FROM leaves WHERE session_id = @s ORDER BY leaf_index", connection);
        command.Parameters.AddWithValue("s", unchecked((long)sessionId));
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            records.Add((byte[])reader[0]);
        }

        return records;
    }

    /// <summary>Waits until the global log holds every accepted batch.</summary>
    public async Task WaitSequencedAsync(TimeSpan timeout)
        => await TestGateway.WaitUntilAsync(() => ScalarAsync<long>("SELECT count(*) FROM batches WHERE log_index IS NULL").GetAwaiter().GetResult() == 0,
            timeout, "the sequencer");

    /// <summary>Messages waiting in <paramref name="queue"/>.</summary>
    public async Task<uint> QueueDepthAsync(string queue)
    {
        var factory = new ConnectionFactory { Uri = new Uri(_amqpUrl) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        try
        {
            var factory = new ConnectionFactory { Uri = new Uri(_amqpUrl) };
            await using var connection = await factory.CreateConnectionAsync();
            foreach (var queue in new[] { Queue, Queue + "_error", Queue + "_skipped", RejectedQueue })
            {
                await using var channel = await connection.CreateChannelAsync();
                await channel.QueueDeleteAsync(queue);
            }
        }
        catch (Exception e) when (e is RabbitMQ.Client.Exceptions.BrokerUnreachableException or RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            // The broker may be one the test stopped.
        }
    }
}
