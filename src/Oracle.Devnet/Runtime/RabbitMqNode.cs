using System.Globalization;
using System.Security.Cryptography;
using RabbitMQ.Client;

namespace Oracle.Devnet.Runtime;

/// <summary>
/// A throwaway RabbitMQ node with its own node name, AMQP port, Erlang distribution port, epmd (on a port of its
/// own, started and stopped with the node), data folder and credentials. It never touches the machine's rabbitmq-server
/// service or its epmd. A node may instead be a member of a cluster of such nodes (<see cref="RabbitMqClusterMembership"/>):
/// it then uses the cluster's epmd and cookie and joins the other members.
/// </summary>
public sealed class RabbitMqNode : LocalService
{
    private const string User = "oracle";
    private readonly RabbitMqClusterMembership? _cluster;
    private readonly string? _password;

    /// <summary>Describes a node; <see cref="LocalService.StartAsync"/> starts it.</summary>
    /// <param name="dataDirectory">Its folder (mnesia, logs, config, Erlang cookie).</param>
    /// <param name="amqpPort">The AMQP port (0: any free port, 55672 preferred).</param>
    public RabbitMqNode(string dataDirectory, int amqpPort = 0) : base("rabbitmq", dataDirectory)
    {
        AmqpPort = amqpPort == 0 ? PortAllocator.Allocate(55672) : amqpPort;
        DistributionPort = PortAllocator.Allocate();
        EpmdPort = PortAllocator.Allocate();
        NodeName = $"oracle-{AmqpPort}@localhost";
    }

    /// <summary>Describes a member of a cluster; <see cref="LocalService.StartAsync"/> starts it and it joins the others.</summary>
    /// <param name="dataDirectory">Its folder.</param>
    /// <param name="amqpPort">Its AMQP port (chosen beforehand: the members' names are made from their ports).</param>
    /// <param name="cluster">The cluster's epmd, cookie and members (<see cref="NodeNameFor"/> of each member's port).</param>
    /// <param name="password">The password every member gives the <c>oracle</c> user.</param>
    public RabbitMqNode(string dataDirectory, int amqpPort, RabbitMqClusterMembership cluster, string password) : base("rabbitmq", dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentException.ThrowIfNullOrEmpty(password);
        AmqpPort = amqpPort;
        DistributionPort = PortAllocator.Allocate();
        EpmdPort = cluster.EpmdPort;
        NodeName = NodeNameFor(amqpPort);
        _cluster = cluster;
        _password = password;
    }

    /// <summary>The Erlang node name of the node whose AMQP port is <paramref name="amqpPort"/>.</summary>
    public static string NodeNameFor(int amqpPort) => $"oracle-{amqpPort.ToString(CultureInfo.InvariantCulture)}@localhost";

    /// <summary>The AMQP port.</summary>
    public int AmqpPort { get; }

    /// <summary>The Erlang distribution port.</summary>
    public int DistributionPort { get; }

    /// <summary>The port of this node's own epmd.</summary>
    public int EpmdPort { get; }

    /// <summary>The Erlang node name.</summary>
    public string NodeName { get; }

    /// <summary>The AMQP URL with credentials.</summary>
    public string AmqpUrl => $"amqp://{User}:{Password}@127.0.0.1:{AmqpPort}/";

    private string PasswordFile => Path.Combine(DataDirectory, "password");

    private string Password => File.Exists(PasswordFile) ? File.ReadAllText(PasswordFile).Trim() : "";

    /// <inheritdoc />
    public override async Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default)
    {
        var factory = new ConnectionFactory { Uri = new Uri(AmqpUrl), RequestedConnectionTimeout = TimeSpan.FromSeconds(2), AutomaticRecoveryEnabled = false };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        return connection.IsOpen;
    }

    /// <inheritdoc />
    protected override Task StartProcessesAsync(CancellationToken cancellationToken)
    {
        const string Server = "/usr/lib/rabbitmq/bin/rabbitmq-server";
        if (!File.Exists(Server))
        {
            throw new LocalServiceException("RabbitMQ not found: install it (Debian: apt-get install rabbitmq-server)");
        }

        if (!File.Exists(PasswordFile))
        {
            File.WriteAllText(PasswordFile, (_password ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))) + "\n");
            File.SetUnixFileMode(PasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var port = AmqpPort.ToString(CultureInfo.InvariantCulture);
        var config = new List<string>
        {
            $"listeners.tcp.default = 127.0.0.1:{port}",
            $"default_user = {User}",
            $"default_pass = {Password}",
            "default_vhost = /",
            "loopback_users = none",
            "disk_free_limit.absolute = 50MB",
            "log.console = true",
            "log.console.level = warning",
            "log.file = false",
        };
        if (_cluster is not null)
        {
            // Classic peer discovery: join the first member that answers, or start the cluster when none does.
            config.Add("cluster_formation.peer_discovery_backend = classic_config");
            config.AddRange(_cluster.Members.Select((m, i) => $"cluster_formation.classic_config.nodes.{(i + 1).ToString(CultureInfo.InvariantCulture)} = {m}"));
            config.Add("cluster_formation.discovery_retry_limit = 4");
            config.Add("cluster_formation.discovery_retry_interval = 250");
            var cookie = Path.Combine(DataDirectory, ".erlang.cookie");
            if (!File.Exists(cookie))
            {
                File.WriteAllText(cookie, _cluster.Cookie);
                File.SetUnixFileMode(cookie, UnixFileMode.UserRead);
            }
        }

        File.WriteAllText(Path.Combine(DataDirectory, "rabbitmq.conf"), string.Join('\n', config) + "\n");
        File.WriteAllText(Path.Combine(DataDirectory, "enabled_plugins"), "[].\n");

        var environment = new Dictionary<string, string>
        {
            // HOME holds the Erlang cookie; a private one keeps rabbitmqctl of other nodes away.
            ["HOME"] = DataDirectory,
            ["RABBITMQ_NODENAME"] = NodeName,
            ["RABBITMQ_NODE_PORT"] = port,
            ["RABBITMQ_DIST_PORT"] = DistributionPort.ToString(CultureInfo.InvariantCulture),
            ["ERL_EPMD_PORT"] = EpmdPort.ToString(CultureInfo.InvariantCulture),
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(DataDirectory, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(DataDirectory, "log"),
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(DataDirectory, "rabbitmq"),
            ["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(DataDirectory, "advanced.config"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(DataDirectory, "enabled_plugins"),
            ["RABBITMQ_PID_FILE"] = Path.Combine(DataDirectory, "rabbitmq.pid"),
            // Makes the start script exec the Erlang VM in the foreground, so the PID we hold is the node's own.
            ["RUNNING_UNDER_SYSTEMD"] = "true",
        };

        // Our own epmd first, on our own port: otherwise the VM would start a daemonized one we could not track. (A
        // cluster's members share the epmd their owner started.)
        if (_cluster is null)
        {
            Launch("epmd", "epmd", ["-port", EpmdPort.ToString(CultureInfo.InvariantCulture), "-address", "127.0.0.1"],
                logPath: Path.Combine(DataDirectory, "epmd.log"), environment: environment);
        }

        Launch("rabbitmq", Server, [], workingDirectory: DataDirectory, environment: environment);
        return Task.CompletedTask;
    }
}
