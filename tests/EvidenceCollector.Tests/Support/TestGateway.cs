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
    /// <param name="amqpUrl">The broker.</param>
    /// <param name="nodes">A cluster's other nodes.</param>
    /// <param name="quorumAcknowledgements">Makes the acknowledgement queue a quorum queue (on a cluster it then survives its node).</param>
    public static async Task<TestGateway> StartAsync(string amqpUrl, IEnumerable<string>? nodes = null, bool quorumAcknowledgements = false)
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
            if (quorumAcknowledgements && e is IRabbitMqReceiveEndpointConfigurator rabbit)
            {
                rabbit.SetQuorumQueue();
            }

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

    /// <summary>
    /// Publishes <paramref name="batches"/> as a gateway's spool does: every batch until the collector accepted it,
    /// publishing again what has no answer after <paramref name="republishAfter"/>, and retrying publications the
    /// broker did not confirm (it may be away).
    /// </summary>
    /// <param name="batches">The batches.</param>
    /// <param name="republishAfter">How long an answer is waited for before the batch is published again.</param>
    /// <param name="timeout">How long everything may take.</param>
    /// <param name="published">Called after each confirmed publication with the number of attempts so far.</param>
    /// <returns>How many publications it took (every attempt, confirmed or not).</returns>
    public async Task<int> PublishUntilAcceptedAsync(IReadOnlyList<EvidenceBatch> batches, TimeSpan republishAfter, TimeSpan timeout, Action<int>? published = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        var due = batches.ToDictionary(b => b.BatchId, _ => DateTime.MinValue);
        var publications = 0;
        while (true)
        {
            var accepted = Accepted.Select(a => a.BatchId).ToHashSet();
            var rejected = Rejected.FirstOrDefault();
            if (rejected is not null)
            {
                throw new InvalidOperationException($"batch {rejected.BatchId} was rejected: {rejected.Error} {rejected.Reason}");
            }

            if (batches.All(b => accepted.Contains(b.BatchId)))
            {
                return publications;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{batches.Count(b => !accepted.Contains(b.BatchId))} of {batches.Count} batches were not accepted within {timeout.TotalSeconds:0} s");
            }

            var sent = false;
            foreach (var batch in batches)
            {
                if (accepted.Contains(batch.BatchId) || due[batch.BatchId] > DateTime.UtcNow)
                {
                    continue;
                }

                // Every attempt counts: one whose confirmation the broker's crash took away may still have been delivered.
                publications++;
                try
                {
                    using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    await PublishAsync(batch, attempt.Token);
                    due[batch.BatchId] = DateTime.UtcNow + republishAfter;
                    sent = true;
                    published?.Invoke(publications);
                }
                catch (Exception e) when (e is not InvalidOperationException || e.Message.Contains("broker", StringComparison.OrdinalIgnoreCase))
                {
                    // The broker is away or refused it: like the spool, try again a little later.
                    due[batch.BatchId] = DateTime.UtcNow + TimeSpan.FromMilliseconds(500);
                    break;
                }
            }

            if (!sent)
            {
                await Task.Delay(100);
            }
        }
    }

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
