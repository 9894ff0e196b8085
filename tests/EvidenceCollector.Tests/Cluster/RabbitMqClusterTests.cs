using System.Text;
using EvidenceCollector.Tests.Support;
using RabbitMQ.Client;

namespace EvidenceCollector.Tests.Cluster;

public sealed class RabbitMqClusterTests
{
    [Fact]
    public async Task StartAsync_ThreeNodes_QuorumQueueKeepsMessagesWhenANodeIsKilled()
    {
        await using var cluster = await RabbitMqCluster.StartAsync();
        var queue = $"cluster-test-{Guid.NewGuid():N}";
        var factory = new ConnectionFactory { Uri = new Uri(cluster.AmqpUrl(0)), AutomaticRecoveryEnabled = false };
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true)))
        {
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });
            for (var i = 0; i < 100; i++)
            {
                await channel.BasicPublishAsync("", queue, true, new BasicProperties { Persistent = true }, Encoding.UTF8.GetBytes($"message {i}"));
            }
        }

        // The node the messages were published through goes away; the other two hold a majority.
        cluster.Kill(0);
        var other = new ConnectionFactory { Uri = new Uri(cluster.AmqpUrl(1)), AutomaticRecoveryEnabled = false };
        IConnection? reader = null;
        IChannel? readChannel = null;
        var received = new List<string>();
        var errors = new List<string>();
        var empty = 0;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (received.Count < 100 && DateTime.UtcNow < deadline)
        {
            try
            {
                reader ??= await other.CreateConnectionAsync();
                readChannel ??= await reader.CreateChannelAsync();
                var message = await readChannel.BasicGetAsync(queue, autoAck: true);
                if (message is null)
                {
                    empty++;
                    await Task.Delay(100);
                    continue;
                }

                received.Add(Encoding.UTF8.GetString(message.Body.Span));
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException e)
            {
                // The queue is electing a new leader (the error closed the channel, or the connection).
                errors.Add(e.Message);
                if (readChannel is not null)
                {
                    await readChannel.DisposeAsync();
                }

                if (reader is not null)
                {
                    await reader.DisposeAsync();
                }

                readChannel = null;
                reader = null;
                await Task.Delay(200);
            }
        }

        if (readChannel is not null)
        {
            await readChannel.DisposeAsync();
        }

        if (reader is not null)
        {
            await reader.DisposeAsync();
        }

        Assert.True(received.Count == 100, $"{received.Count} received, {empty} empty gets, errors: {string.Join(" | ", errors.Distinct())}");
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"message {i}"), received);
    }
}
