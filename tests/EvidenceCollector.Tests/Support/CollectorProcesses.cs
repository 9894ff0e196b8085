using System.Globalization;
using Npgsql;
using Oracle.Devnet.Runtime;
using Oracle.Testing;
using RabbitMQ.Client;

namespace EvidenceCollector.Tests.Support;

/// <summary>
/// Several evidence collector processes (the built service, as an operator runs it) of one collector: the same key,
/// database and queue, each its own process with its own instance name, that tests kill (SIGKILL, by PID) and start.
/// </summary>
internal sealed class CollectorProcesses : IAsyncDisposable
{
    private readonly Dictionary<string, string> _environment;
    private readonly string _folder;
    private readonly string _adminConnectionString;
    private readonly string _database;
    private readonly List<ServiceProcess> _processes = [];

    private CollectorProcesses(Dictionary<string, string> environment, string folder, string adminConnectionString, string database, NpgsqlDataSource dataSource)
    {
        _environment = environment;
        _folder = folder;
        _adminConnectionString = adminConnectionString;
        _database = database;
        Database = dataSource;
    }

    /// <summary>The collectors' database (search path: their schema).</summary>
    public NpgsqlDataSource Database { get; }

    /// <summary>The queue they consume.</summary>
    public string Queue => _environment["Ingestion__Queue"];

    /// <summary>The processes started, in start order (killed ones included).</summary>
    public IReadOnlyList<ServiceProcess> Processes => _processes;

    /// <summary>Settings for collectors on the test chain, a new database, <paramref name="amqpUrl"/> (and a cluster's other <paramref name="nodes"/>).</summary>
    public static async Task<CollectorProcesses> CreateAsync(string amqpUrl, IReadOnlyList<string>? nodes = null, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = await OracleServiceHost<Program>.DefaultSettingsAsync();
        var queue = $"collector-test-{Guid.NewGuid():N}"[..28];
        settings["Bus:Url"] = amqpUrl;
        settings["Ingestion:Queue"] = queue;
        settings["Ingestion:RejectedQueue"] = queue + "-rejected";
        settings["Ingestion:GapWait"] = "00:00:01";
        settings["Log:SequenceInterval"] = "00:00:00.050";
        settings["Log:LeaderPollInterval"] = "00:00:00.250";
        settings["Anchoring:Enabled"] = "false";
        settings["Logging:LogLevel:Default"] = "Information";
        for (var i = 0; i < (nodes?.Count ?? 0); i++)
        {
            settings[$"Bus:Nodes:{i}"] = nodes![i];
        }

        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var environment = settings.Where(s => s.Value is not null).ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);
        var connectionString = settings["Database:ConnectionString"]!;
        var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = "collector" }.ConnectionString);
        return new CollectorProcesses(environment, Path.GetDirectoryName(settings["Chain:Keystore"]!)!, await LocalServices.PostgresConnectionStringAsync(),
            new NpgsqlConnectionStringBuilder(connectionString).Database!, dataSource);
    }

    /// <summary>Starts one more collector process named <paramref name="instance"/> and waits until it is healthy.</summary>
    public async Task<ServiceProcess> StartAsync(string instance)
    {
        var dll = RepositoryLayout.Find().ServiceAssembly("EvidenceCollector", "EvidenceCollector") ?? throw new InvalidOperationException("src/EvidenceCollector is not built");
        var environment = new Dictionary<string, string>(_environment) { ["Collector__Instance"] = instance };
        var process = new ServiceProcess("EvidenceCollector", dll, Path.Combine(_folder, instance), environment) { StartTimeout = TimeSpan.FromSeconds(90) };
        _processes.Add(process);
        await process.StartAsync();
        return process;
    }

    /// <summary>The instance that appended the global log's latest leaves (the sequencer then).</summary>
    public async Task<string?> SequencerAsync()
    {
        await using var connection = await Database.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT sequencer FROM log_head", connection);
        return await command.ExecuteScalarAsync() as string;
    }

    /// <summary>Runs <paramref name="sql"/> and returns the first column of the first row.</summary>
    public async Task<long> CountAsync(string sql)
    {
        await using var connection = await Database.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>The last lines of every process's log (for failure messages).</summary>
    public string Logs() => string.Join("\n", _processes.Select(p => $"--- {p.DataDirectory}\n{(p.Processes.Count > 0 ? p.Processes[^1].LogTail(40) : "")}"));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.StopAsync();
        }

        await Database.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using (var admin = new NpgsqlConnection(_adminConnectionString))
        {
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }

        try
        {
            var factory = new ConnectionFactory { Uri = new Uri(_environment["Bus__Url"]) };
            await using var connection = await factory.CreateConnectionAsync();
            foreach (var queue in new[] { Queue, Queue + "_error", Queue + "_skipped", Queue + "-rejected" })
            {
                await using var channel = await connection.CreateChannelAsync();
                await channel.QueueDeleteAsync(queue);
            }
        }
        catch (Exception e) when (e is RabbitMQ.Client.Exceptions.BrokerUnreachableException or RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            // A private broker that is gone already.
        }

        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
