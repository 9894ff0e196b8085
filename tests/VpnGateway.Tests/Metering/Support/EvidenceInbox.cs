using System.Collections.Concurrent;
using MassTransit;
using Oracle.Core.Evidence;

namespace VpnGateway.Tests.Metering.Support;

/// <summary>
/// What a collector would receive: every evidence batch of the watched sessions, verified and stored once by batch id
/// with the consumer-side helper (<see cref="EvidenceBatchAcknowledger"/>), answered on the batch's response address,
/// and kept with the content hash and the verifier's verdict of each.
/// </summary>
internal sealed class EvidenceInbox(params ulong[] sessions) : IEvidenceBatchStore
{
    private readonly HashSet<ulong> _sessions = [.. sessions];
    private readonly ConcurrentDictionary<Guid, byte[]> _digests = new();

    public ConcurrentDictionary<Guid, (string Hash, EvidenceBatchError Error)> Batches { get; } = new();

    /// <summary>Every batch on its first delivery.</summary>
    public ConcurrentQueue<EvidenceBatch> Received { get; } = new();

    /// <summary>The raw body of every delivery of a watched session's batch, as the broker carried it.</summary>
    public ConcurrentQueue<byte[]> Bodies { get; } = new();

    /// <summary>Every answer sent.</summary>
    public ConcurrentQueue<EvidenceBatchAcknowledgement> Answers { get; } = new();

    /// <summary>Deliveries of a batch id already received (publication is at least once).</summary>
    public int Duplicates;

    /// <summary>Called once per batch id, on its first delivery.</summary>
    public Action<EvidenceBatch>? OnFirstDelivery { get; init; }

    /// <summary>Stops answering (a collector that stores but whose answers are lost); the gateway then publishes again.</summary>
    public bool Silent { get; set; }

    public async Task ConsumeAsync(ConsumeContext<EvidenceBatch> context)
    {
        var batch = context.Message;
        if (!_sessions.Contains(batch.SessionId))
        {
            return; // another test's session on a shared broker
        }

        Bodies.Enqueue(context.ReceiveContext.Body.GetBytes());

        var answer = await EvidenceBatchAcknowledger.AcknowledgeAsync(batch, this, "test-inbox", context.CancellationToken);
        if (answer.Rejected is { } rejected)
        {
            Batches.TryAdd(batch.BatchId, (SignedBatches.Hash(batch), rejected.Error));
        }

        Answers.Enqueue(answer);
        if (!Silent && context.ResponseAddress is not null)
        {
            await context.RespondAsync(answer.Message);
        }
    }

    public ValueTask<EvidenceStoreOutcome> TryStoreAsync(EvidenceBatch batch, byte[] digest, CancellationToken cancellationToken)
    {
        if (_digests.TryAdd(batch.BatchId, digest))
        {
            Batches.TryAdd(batch.BatchId, (SignedBatches.Hash(batch), EvidenceBatchError.None));
            Received.Enqueue(batch);
            OnFirstDelivery?.Invoke(batch);
            return ValueTask.FromResult(EvidenceStoreOutcome.Stored);
        }

        Interlocked.Increment(ref Duplicates);
        return ValueTask.FromResult(_digests[batch.BatchId].AsSpan().SequenceEqual(digest) ? EvidenceStoreOutcome.Duplicate : EvidenceStoreOutcome.Conflict);
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
        public Task Consume(ConsumeContext<EvidenceBatch> context) => inbox.ConsumeAsync(context);
    }
}
