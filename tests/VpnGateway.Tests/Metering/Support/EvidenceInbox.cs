using System.Collections.Concurrent;
using MassTransit;
using Oracle.Core.Evidence;

namespace VpnGateway.Tests.Metering.Support;

/// <summary>
/// What a collector would receive: every evidence batch of the watched sessions, deduplicated by batch id (the
/// consumer side of exactly-once), with the content hash and the verifier's verdict of each.
/// </summary>
internal sealed class EvidenceInbox(params ulong[] sessions)
{
    private readonly HashSet<ulong> _sessions = [.. sessions];

    public ConcurrentDictionary<Guid, (string Hash, EvidenceBatchError Error)> Batches { get; } = new();

    /// <summary>Every batch on its first delivery.</summary>
    public ConcurrentQueue<EvidenceBatch> Received { get; } = new();

    /// <summary>Deliveries of a batch id already received (publication is at least once).</summary>
    public int Duplicates;

    /// <summary>Called once per batch id, on its first delivery.</summary>
    public Action<EvidenceBatch>? OnFirstDelivery { get; init; }

    public void Receive(EvidenceBatch batch)
    {
        if (!_sessions.Contains(batch.SessionId))
        {
            return; // another test's session on a shared broker
        }

        if (Batches.TryAdd(batch.BatchId, (SignedBatches.Hash(batch), EvidenceBatchVerifier.Verify(batch).Error)))
        {
            Received.Enqueue(batch);
            OnFirstDelivery?.Invoke(batch);
        }
        else
        {
            Interlocked.Increment(ref Duplicates);
        }
    }

    public async Task WaitForAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Batches.Count < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{Batches.Count} of {count} batches arrived");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The MassTransit consumer feeding the inbox.</summary>
    public sealed class Consumer(EvidenceInbox inbox) : IConsumer<EvidenceBatch>
    {
        public Task Consume(ConsumeContext<EvidenceBatch> context)
        {
            inbox.Receive(context.Message);
            return Task.CompletedTask;
        }
    }
}
