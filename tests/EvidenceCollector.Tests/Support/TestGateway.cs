using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Oracle.Core.Evidence;
using Oracle.Hosting;

namespace EvidenceCollector.Tests.Support;

/// <summary>
/// Publishes evidence batches as the gateway does (MassTransit, persistent, mandatory, confirmed, the batch id as
/// message id, its acknowledgement queue as response address) and records the collector's answers.
/// </summary>
internal sealed class TestGateway : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly HostReceiveEndpointHandle _endpoint;
    private readonly Uri _responseAddress;

    private TestGateway(IHost host, HostReceiveEndpointHandle endpoint, string queue)
    {
        _host = host;
        _endpoint = endpoint;
        AckQueue = queue;
        _responseAddress = new Uri($"queue:{queue}");
    }

    /// <summary>The acknowledgement queue.</summary>
    public string AckQueue { get; }

    /// <summary>Every acceptance received, in order (duplicates too).</summary>
    public ConcurrentQueue<EvidenceBatchAccepted> Accepted { get; } = new();

    /// <summary>Every rejection received, in order.</summary>
    public ConcurrentQueue<EvidenceBatchRejected> Rejected { get; } = new();

    /// <summary>The bus (for raw sends).</summary>
    public IBus Bus => _host.Services.GetRequiredService<IBus>();

    /// <summary>Starts a gateway's bus on <paramref name="amqpUrl"/> (and the cluster's other <paramref name="nodes"/>).</summary>
    public static async Task<TestGateway> StartAsync(string amqpUrl, IEnumerable<string>? nodes = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Bus:Url"] = amqpUrl;
        var i = 0;
        foreach (var node in nodes ?? [])
        {
            builder.Configuration[$"Bus:Nodes:{i++}"] = node;
        }

        builder.AddOracleBus();
        var host = builder.Build();
        await host.StartAsync();
        var queue = $"evidence-acks-test-{Guid.NewGuid():N}";
        var bus = host.Services.GetRequiredService<IBus>();
        TestGateway? gateway = null;
        var endpoint = bus.ConnectReceiveEndpoint(queue, e =>
        {
            e.ConfigureConsumeTopology = false;
            e.Handler<EvidenceBatchAccepted>(c =>
            {
                gateway!.Accepted.Enqueue(c.Message);
                return Task.CompletedTask;
            });
            e.Handler<EvidenceBatchRejected>(c =>
            {
                gateway!.Rejected.Enqueue(c.Message);
                return Task.CompletedTask;
            });
        });
        gateway = new TestGateway(host, endpoint, queue);
        await endpoint.Ready;
        return gateway;
    }

    /// <summary>Publishes <paramref name="batch"/>; returns when the broker confirmed it.</summary>
    public Task PublishAsync(EvidenceBatch batch, CancellationToken cancellationToken = default)
        => Bus.Publish(batch, context =>
        {
            context.MessageId = batch.BatchId;
            context.Durable = true;
            context.ResponseAddress = _responseAddress;
            if (context.TryGetPayload<RabbitMqSendContext>(out var rabbit))
            {
                rabbit.Mandatory = true;
                rabbit.AwaitAck = true;
            }
        }, cancellationToken);

    /// <summary>Waits until <paramref name="condition"/> holds.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds:0} s waiting for {what}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Waits until every batch of <paramref name="ids"/> was answered (accepted or rejected).</summary>
    public Task WaitAnsweredAsync(IEnumerable<Guid> ids, TimeSpan timeout)
    {
        var wanted = ids.ToHashSet();
        return WaitUntilAsync(() => wanted.IsSubsetOf(Accepted.Select(a => a.BatchId).Concat(Rejected.Select(r => r.BatchId))), timeout,
            $"answers to {wanted.Count} batches");
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _endpoint.StopAsync();
        await _host.StopAsync();
        _host.Dispose();
    }
}
