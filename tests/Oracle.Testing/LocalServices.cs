using Oracle.Devnet.Runtime;

namespace Oracle.Testing;

/// <summary>
/// The real chain, PostgreSQL and RabbitMQ the tests use: started once per test process through the devnet runtime
/// (each only when first asked for), or taken from <see cref="TestEnvironment"/> when set. Stopped, and their folder
/// removed, when the test process exits; a later run cleans up after one that was killed.
/// </summary>
public sealed class LocalServices
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), $"oracle-test-{Environment.ProcessId}-{Guid.NewGuid():N}"[..32]);
    private static readonly List<LocalService> Started = [];
    private static readonly Lazy<Task<string>> Rpc = new(() => StartAsync(TestEnvironment.RpcVariable,
        () => new HardhatNode(Path.Combine(Root, "hardhat"), RepositoryLayout.Find().ContractsDirectory), s => ((HardhatNode)s).RpcUrl));
    private static readonly Lazy<Task<string>> Postgres = new(() => StartAsync(TestEnvironment.PostgresVariable,
        () => new PostgresCluster(Path.Combine(Root, "postgres")), s => ((PostgresCluster)s).ConnectionString));
    private static readonly Lazy<Task<string>> Amqp = new(() => StartAsync(TestEnvironment.AmqpVariable,
        () => new RabbitMqNode(Path.Combine(Root, "rabbitmq")), s => ((RabbitMqNode)s).AmqpUrl));

    static LocalServices()
    {
        StaleTestFolders.CleanUp();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAll();
    }

    private LocalServices(string rpcUrl, string postgres, string amqpUrl)
    {
        RpcUrl = rpcUrl;
        PostgresConnectionString = postgres;
        AmqpUrl = amqpUrl;
    }

    /// <summary>The chain's JSON-RPC URL (chain id 31337, development accounts funded).</summary>
    public string RpcUrl { get; }

    /// <summary>A connection string of a role that may create databases.</summary>
    public string PostgresConnectionString { get; }

    /// <summary>The broker's AMQP URL.</summary>
    public string AmqpUrl { get; }

    /// <summary>All three services.</summary>
    public static async Task<LocalServices> GetAsync(CancellationToken cancellationToken = default)
    {
        var rpc = RpcUrlAsync(cancellationToken);
        var pg = PostgresConnectionStringAsync(cancellationToken);
        var amqp = AmqpUrlAsync(cancellationToken);
        return new LocalServices(await rpc, await pg, await amqp);
    }

    /// <summary>The chain only.</summary>
    public static Task<string> RpcUrlAsync(CancellationToken cancellationToken = default) => Rpc.Value.WaitAsync(cancellationToken);

    /// <summary>PostgreSQL only.</summary>
    public static Task<string> PostgresConnectionStringAsync(CancellationToken cancellationToken = default) => Postgres.Value.WaitAsync(cancellationToken);

    /// <summary>RabbitMQ only.</summary>
    public static Task<string> AmqpUrlAsync(CancellationToken cancellationToken = default) => Amqp.Value.WaitAsync(cancellationToken);

    private static async Task<string> StartAsync(string variable, Func<LocalService> create, Func<LocalService, string> endpoint)
    {
        var privateChain = variable == TestEnvironment.RpcVariable && TestEnvironment.Get(TestEnvironment.PrivateChainVariable) == "1";
        if (!privateChain && TestEnvironment.Get(variable) is { } existing)
        {
            return existing;
        }

        Directory.CreateDirectory(Root);
        StaleTestFolders.MarkOwned(Root);
        var service = create();
        lock (Started)
        {
            Started.Add(service);
        }

        await service.StartAsync();
        StaleTestFolders.Record(Root, Started);
        return endpoint(service);
    }

    private static void StopAll()
    {
        LocalService[] services;
        lock (Started)
        {
            services = [.. Started];
        }

        Task.WhenAll(services.Select(s => s.StopAsync())).GetAwaiter().GetResult();
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}
