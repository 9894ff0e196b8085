using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using Oracle.Devnet.Runtime;
using RabbitMQ.Client;

namespace EvidenceCollector.Tests.Support;

/// <summary>
/// A RabbitMQ cluster of throwaway nodes on this machine: one epmd of its own (private port), three nodes with their
/// own AMQP and distribution ports, data folders and one Erlang cookie, joined by classic peer discovery. Nodes can be
/// killed and restarted; everything is stopped (by PID) and deleted on dispose.
/// </summary>
internal sealed class RabbitMqCluster : IAsyncDisposable
{
    private readonly string _folder;
    private readonly ManagedProcess _epmd;

    private RabbitMqCluster(string folder, ManagedProcess epmd, RabbitMqNode[] nodes)
    {
        _folder = folder;
        _epmd = epmd;
        Nodes = nodes;
    }

    /// <summary>The members, in start order.</summary>
    public IReadOnlyList<RabbitMqNode> Nodes { get; }

    /// <summary>The AMQP URL of node <paramref name="i"/> (credentials are the same on every node).</summary>
    public string AmqpUrl(int i) => Nodes[i].AmqpUrl;

    /// <summary><c>host:port</c> of every node but <paramref name="except"/> (for <c>Bus:Nodes</c>).</summary>
    public IReadOnlyList<string> OtherNodes(int except)
        => [.. Nodes.Where((_, i) => i != except).Select(n => $"127.0.0.1:{n.AmqpPort.ToString(CultureInfo.InvariantCulture)}")];

    /// <summary>Starts a cluster of <paramref name="size"/> nodes and waits until they form one cluster.</summary>
    public static async Task<RabbitMqCluster> StartAsync(int size = 3, CancellationToken cancellationToken = default)
    {
        var folder = Directory.CreateTempSubdirectory("oracle-rabbit-cluster-").FullName;
        var epmdPort = PortAllocator.Allocate();
        var ports = Enumerable.Range(0, size).Select(_ => PortAllocator.Allocate()).ToArray();
        var membership = new RabbitMqClusterMembership(epmdPort, Convert.ToHexString(RandomNumberGenerator.GetBytes(20)),
            [.. ports.Select(RabbitMqNode.NodeNameFor)]);
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var epmd = ManagedProcess.Start("epmd", "epmd", ["-port", epmdPort.ToString(CultureInfo.InvariantCulture), "-address", "127.0.0.1"], Path.Combine(folder, "epmd.log"));
        var nodes = ports.Select((p, i) => new RabbitMqNode(Path.Combine(folder, $"node{i}"), p, membership, password) { StartTimeout = TimeSpan.FromSeconds(180) }).ToArray();
        var cluster = new RabbitMqCluster(folder, epmd, nodes);
        try
        {
            await WaitListeningAsync(epmdPort, cancellationToken);
            // One after the other: the first starts the cluster, the others join it.
            foreach (var node in nodes)
            {
                await node.StartAsync(cancellationToken);
            }

            await cluster.WaitClusteredAsync(TimeSpan.FromSeconds(60), cancellationToken);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    /// <summary>Kills node <paramref name="i"/> at once (SIGKILL).</summary>
    public void Kill(int i) => Nodes[i].Kill();

    /// <summary>Starts node <paramref name="i"/> again on its data (it rejoins the cluster).</summary>
    public Task RestartAsync(int i, CancellationToken cancellationToken = default) => Nodes[i].RestartAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.StopAsync(CancellationToken.None);
        }

        await _epmd.StopAsync(15, TimeSpan.FromSeconds(5));
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    // A queue declared through the first node is known to every node that joined it (queue metadata is cluster-wide).
    private async Task WaitClusteredAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var probe = $"cluster-probe-{Guid.NewGuid():N}";
        var first = new ConnectionFactory { Uri = new Uri(Nodes[0].AmqpUrl), AutomaticRecoveryEnabled = false };
        await using (var connection = await first.CreateConnectionAsync(cancellationToken))
        await using (var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken))
        {
            await channel.QueueDeclareAsync(probe, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
        }

        var deadline = DateTime.UtcNow + timeout;
        var missing = new List<string>();
        while (DateTime.UtcNow < deadline)
        {
            missing.Clear();
            foreach (var node in Nodes.Skip(1))
            {
                var factory = new ConnectionFactory { Uri = new Uri(node.AmqpUrl), AutomaticRecoveryEnabled = false };
                await using var connection = await factory.CreateConnectionAsync(cancellationToken);
                await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
                try
                {
                    await channel.QueueDeclarePassiveAsync(probe, cancellationToken);
                }
                catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
                {
                    missing.Add(node.NodeName);
                }
            }

            if (missing.Count == 0)
            {
                return;
            }

            await Task.Delay(500, cancellationToken);
        }

        throw new TimeoutException($"RabbitMQ nodes {string.Join(", ", missing)} did not join the cluster of {Nodes[0].NodeName}");
    }

    private static async Task WaitListeningAsync(int port, CancellationToken cancellationToken)
    {
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port, cancellationToken);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50, cancellationToken);
            }
        }

        throw new TimeoutException($"epmd did not listen on port {port}");
    }
}
