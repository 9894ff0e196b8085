using System.Globalization;
using System.Security.Cryptography;
using RabbitMQ.Client;

namespace Oracle.Devnet.Runtime;

/// <summary>
/// A throwaway RabbitMQ node with its own node name, AMQP port, Erlang distribution port, epmd (on a port of its
/// own, started and stopped with the node), data folder and credentials. It never touches the machine's rabbitmq-server
/// service or its epmd.
/// </summary>
public sealed class RabbitMqNode : LocalService
{
    private const string User = "oracle";

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
            File.WriteAllText(PasswordFile, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) + "\n");
            File.SetUnixFileMode(PasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var port = AmqpPort.ToString(CultureInfo.InvariantCulture);
        File.WriteAllText(Path.Combine(DataDirectory, "rabbitmq.conf"), string.Join('\n',
            $"listeners.tcp.default = 127.0.0.1:{port}",
            $"default_user = {User}",
            $"default_pass = {Password}",
            "default_vhost = /",
            "loopback_users = none",
            "disk_free_limit.absolute = 50MB",
            "log.console = true",
            "log.console.level = warning",
            "log.file = false",
            "") );
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

        // Our own epmd first, on our own port: otherwise the VM would start a daemonized one we could not track.
        Launch("epmd", "epmd", ["-port", EpmdPort.ToString(CultureInfo.InvariantCulture), "-address", "127.0.0.1"],
            logPath: Path.Combine(DataDirectory, "epmd.log"), environment: environment);
        Launch("rabbitmq", Server, [], workingDirectory: DataDirectory, environment: environment);
        return Task.CompletedTask;
    }
}
