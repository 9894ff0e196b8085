using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Oracle.Devnet.Runtime;
using Oracle.Testing;

namespace Oracle.Hosting.Tests;

public sealed record PlumbingPing(Guid Id, string Text);

public sealed class BusExtensionsTests
{
    private sealed class Received
    {
        public TaskCompletionSource<PlumbingPing> Message { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class PingConsumer(Received received) : IConsumer<PlumbingPing>
    {
        public Task Consume(ConsumeContext<PlumbingPing> context)
        {
            received.Message.TrySetResult(context.Message);
            return Task.CompletedTask;
        }
    }

    private static IHost Host(string amqpUrl, string? queue, Received? received)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration["Bus:Url"] = amqpUrl;
        if (received is not null)
        {
            builder.Services.AddSingleton(received);
        }

        // Start returns once the bus is connected and its topology declared.
        builder.Services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
        builder.AddOracleBus(bus =>
        {
            if (queue is not null)
            {
                bus.AddConsumer<PingConsumer>().Endpoint(e => e.Name = queue);
            }
        });
        return builder.Build();
    }

    [Fact]
    public async Task Publish_ConsumerOffline_MessageWaitsInTheDurableQueueAcrossABrokerRestart()
    {
        await using var broker = new RabbitMqNode(Directory.CreateTempSubdirectory("bus-test-").FullName);
        await broker.StartAsync();
        var queue = RabbitMqFixture.UniqueName("plumbing");
        var received = new Received();

        // (Hosts are disposed only at the end: MassTransit keeps the first host's logger factory in a static.)
        // The consumer declares its durable queue and binding, then goes away.
        using var consumer = Host(broker.AmqpUrl, queue, received);
        await consumer.StartAsync();
        await consumer.StopAsync();

        var sent = new PlumbingPing(Guid.NewGuid(), "over the durable queue");
        using var publisher = Host(broker.AmqpUrl, null, null);
        await publisher.StartAsync();
        // With publisher confirms, Publish returns once the broker has the message.
        await publisher.Services.GetRequiredService<IBus>().Publish(sent);
        await publisher.StopAsync();

        await broker.RestartAsync();

        using var again = Host(broker.AmqpUrl, queue, received);
        await again.StartAsync();
        var message = await received.Message.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await again.StopAsync();

        Assert.Equal(sent, message);
    }

    [Fact]
    public void AddOracleBus_NoUrl_FailsWithAClearMessage()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.AddOracleBus();
        using var host = builder.Build();

        var e = Assert.ThrowsAny<Exception>(() => host.Services.GetRequiredService<IBusControl>());

        Assert.Contains("Bus:Url is not set", e.ToString());
    }
}
