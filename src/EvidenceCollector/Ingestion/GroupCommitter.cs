using System.Threading.Channels;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EvidenceCollector.Ingestion;

/// <summary>
/// Group commit: the consumers hand their deliveries here; a worker takes what is waiting (up to
/// <c>Ingestion:MaxGroupBatches</c> batches or <c>Ingestion:MaxGroupRecords</c> records, waiting at most
/// <c>Ingestion:GroupWait</c> for more) and decides it as one group: verified in parallel
/// (<see cref="BatchIngestion.PrepareAsync"/>) while the group before it is stored, then stored in one transaction
/// (<see cref="BatchIngestion.StoreAsync"/>); only after that commit are the consumers released to answer and acknowledge
/// their deliveries. One worker (<c>Ingestion:GroupCommitters</c>) stores the groups in the order they were taken, so a
/// session's batches are stored in the order they arrived. A group whose commit fails is decided again batch by batch, so one batch that cannot
/// be stored fails (and is retried or moved to the error queue by the bus) alone.
/// <para>
/// A batch whose session log misses its predecessor (a gap) does not hold a consumer: its delivery is acknowledged
/// without an answer at once and the batch is parked here (at most <c>Ingestion:MaxParked</c>). When a group stores the
/// batches before it, it is decided again and answered through the bus; when <c>Ingestion:GapWait</c> passes first, it
/// is decided a last time (another process may have stored its predecessor) and else left to the gateway, which
/// publishes every unanswered batch again, unless its session's log grew meanwhile (a chain of batches ahead of their
/// predecessors): then it waits another <c>Ingestion:GapWait</c>. A batch is stored only where it continues its session's log, so parking
/// never reorders a log; a crash loses only what the gateways still hold.
/// </para>
/// </summary>
internal sealed class GroupCommitter(
    BatchIngestion ingestion,
    BatchAnswers answers,
    IBus bus,
    IOptions<IngestionOptions> options,
    CollectorMetrics metrics,
    TimeProvider time,
    ILogger<GroupCommitter> logger) : BackgroundService
{
    private readonly Channel<PendingBatch> _waiting = Channel.CreateUnbounded<PendingBatch>(new UnboundedChannelOptions { SingleWriter = false, SingleReader = false });
    private readonly Lock _parkLock = new();
    private readonly Dictionary<ulong, List<PendingBatch>> _parked = [];
    private readonly Dictionary<ulong, ulong> _storedSizes = [];
    private int _parkedCount;

    /// <summary>Batches parked after a gap right now.</summary>
    public int ParkedCount
    {
        get
        {
            lock (_parkLock)
            {
                return _parkedCount;
            }
        }
    }

    /// <summary>Queues <paramref name="delivery"/> for the next group; completes when the consumer may answer it.</summary>
    /// <exception cref="Exception">Its group, and then the batch alone, could not be stored (nothing was written for it).</exception>
    public Task<IngestionOutcome> SubmitAsync(BatchDelivery delivery, CancellationToken cancellationToken)
    {
        var pending = new PendingBatch(delivery);
        if (!_waiting.Writer.TryWrite(pending))
        {
            throw new OperationCanceledException("the collector is stopping");
        }

        return pending.Decided.Task.WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var workers = Enumerable.Range(0, options.Value.GroupCommitters).Select(_ => Task.Run(() => RunAsync(stoppingToken), CancellationToken.None)).ToList();
        workers.Add(SweepAsync(stoppingToken));
        try
        {
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        finally
        {
            // Stopping: what was not decided goes back to the broker (the consumers fail, the deliveries are not acknowledged).
            _waiting.Writer.TryComplete();
            while (_waiting.Reader.TryRead(out var left))
            {
                left.Decided.TrySetException(new OperationCanceledException("the collector is stopping"));
            }
        }
    }

    // One worker: groups are stored one after the other in the order they were taken (so a batch is never stored
    // before an earlier delivery of its session that waits in another group), and the next group is verified while
    // the one before it is stored.
    private async Task RunAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        (List<PendingBatch> Group, Task<PreparedGroup> Prepared)? current = null;
        try
        {
            while (true)
            {
                List<PendingBatch>? next = null;
                if (current is null)
                {
                    if (!await _waiting.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
                    {
                        return;
                    }

                    next = [];
                    var records = Take(next, 0, settings);
                    if (next.Count < settings.MaxGroupBatches && records < settings.MaxGroupRecords && settings.GroupWait > TimeSpan.Zero)
                    {
                        await Task.Delay(settings.GroupWait, time, stoppingToken).ConfigureAwait(false);
                        Take(next, records, settings);
                    }
                }
                else
                {
                    next = [];
                    Take(next, 0, settings);
                }

                (List<PendingBatch>, Task<PreparedGroup>)? prepared = next.Count == 0 ? null : (next, Prepare(next, stoppingToken));
                if (current is { } decide)
                {
                    await DecideAsync(decide.Group, decide.Prepared, stoppingToken).ConfigureAwait(false);
                }

                current = prepared;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            foreach (var pending in current?.Group ?? [])
            {
                pending.Decided.TrySetException(new OperationCanceledException("the collector is stopping"));
            }
        }
    }

    private Task<PreparedGroup> Prepare(List<PendingBatch> group, CancellationToken stoppingToken)
    {
        var batches = group.Select(p => p.Delivery.Batch).ToList();
        return Task.Run(() => ingestion.PrepareAsync(batches, stoppingToken), stoppingToken);
    }

    private int Take(List<PendingBatch> group, int records, IngestionOptions settings)
    {
        while (group.Count < settings.MaxGroupBatches && records < settings.MaxGroupRecords && _waiting.Reader.TryRead(out var next))
        {
            group.Add(next);
            records += next.Delivery.Batch.LeafHashes?.Count ?? 0;
        }

        return records;
    }

    private async Task DecideAsync(IReadOnlyList<PendingBatch> group, Task<PreparedGroup> prepared, CancellationToken stoppingToken)
    {
        IngestionOutcome[] outcomes;
        try
        {
            outcomes = await ingestion.StoreAsync(await prepared.ConfigureAwait(false), stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e) when (group.Count > 1 && !stoppingToken.IsCancellationRequested)
        {
            logger.LogWarning("a group of {Count} batches was not stored ({Error}); deciding each alone", group.Count, e.Message);
            foreach (var pending in group)
            {
                await DecideAsync([pending], ingestion.PrepareAsync([pending.Delivery.Batch], stoppingToken), stoppingToken).ConfigureAwait(false);
            }

            return;
        }
        catch (Exception e)
        {
            foreach (var pending in group)
            {
                Fail(pending, e);
            }

            return;
        }

        var stored = new Dictionary<ulong, ulong>();
        for (var i = 0; i < group.Count; i++)
        {
            if (outcomes[i].Accepted is { } accepted)
            {
                stored[accepted.SessionId] = Math.Max(stored.GetValueOrDefault(accepted.SessionId), accepted.TreeSize);
            }
        }

        // What the group stored is known before its gaps are parked: a parked batch its group (or another process's
        // group) already continued is decided again at once.
        Release(stored);
        for (var i = 0; i < group.Count; i++)
        {
            Complete(group[i], outcomes[i]);
        }
    }

    private void Complete(PendingBatch pending, IngestionOutcome outcome)
    {
        if (outcome.IsDeferred)
        {
            Park(pending);
        }
        else if (!pending.Parked)
        {
            pending.Decided.TrySetResult(outcome);
        }
        else
        {
            _ = AnswerParkedAsync(pending, outcome);
        }
    }

    private void Fail(PendingBatch pending, Exception e)
    {
        if (!pending.Parked)
        {
            pending.Decided.TrySetException(e);
            return;
        }

        logger.LogWarning("parked batch {Batch} of session {Session} was not stored ({Error}); the gateway publishes it again",
            pending.Delivery.Batch.BatchId, pending.Delivery.Batch.SessionId, e.Message);
    }

    private void Park(PendingBatch pending)
    {
        var batch = pending.Delivery.Batch;
        lock (_parkLock)
        {
            var known = _storedSizes.GetValueOrDefault(batch.SessionId);
            if (pending.LastTry && known > pending.ParkedAtSize)
            {
                // Its session's log grew while it waited (a chain of batches arriving before their predecessors): wait on.
                pending.LastTry = false;
                pending.ParkedUntil = time.GetUtcNow() + options.Value.GapWait;
                pending.ParkedAtSize = known;
            }

            if (pending.LastTry || (!pending.Parked && _parkedCount >= options.Value.MaxParked))
            {
                if (!pending.Parked)
                {
                    metrics.Add(CollectorCounters.BatchesDeferred);
                }

                logger.LogInformation("batch {Batch} of session {Session} still misses the batches before leaf {First}; left for the gateway to publish again",
                    batch.BatchId, batch.SessionId, batch.FirstLeafIndex);
                pending.Decided.TrySetResult(IngestionOutcome.Deferred);
                return;
            }

            if (!pending.Parked)
            {
                pending.Parked = true;
                pending.ParkedUntil = time.GetUtcNow() + options.Value.GapWait;
                pending.ParkedAtSize = known;
                metrics.Add(CollectorCounters.BatchesDeferred);
                logger.LogDebug("batch {Batch} of session {Session} parked until the batches before leaf {First} are stored", batch.BatchId, batch.SessionId, batch.FirstLeafIndex);
            }

            if (known >= batch.FirstLeafIndex)
            {
                // Its predecessor was stored since this decision was made (by this group or a later one): again, now.
                _waiting.Writer.TryWrite(pending);
            }
            else
            {
                if (!_parked.TryGetValue(batch.SessionId, out var list))
                {
                    _parked[batch.SessionId] = list = [];
                }

                list.Add(pending);
                _parkedCount++;
            }
        }

        // Its delivery is acknowledged now, without an answer: it holds no consumer while it waits.
        pending.Decided.TrySetResult(IngestionOutcome.Deferred);
    }

    // The sessions a group extended: their parked batches that may continue them now are decided again.
    private void Release(Dictionary<ulong, ulong> stored)
    {
        if (stored.Count == 0)
        {
            return;
        }

        var ready = new List<PendingBatch>();
        lock (_parkLock)
        {
            if (_storedSizes.Count > 100_000)
            {
                _storedSizes.Clear();
            }

            foreach (var (session, size) in stored)
            {
                _storedSizes[session] = Math.Max(_storedSizes.GetValueOrDefault(session), size);
                if (_parked.TryGetValue(session, out var list))
                {
                    ready.AddRange(list.Where(p => p.Delivery.Batch.FirstLeafIndex <= size));
                    list.RemoveAll(p => p.Delivery.Batch.FirstLeafIndex <= size);
                    if (list.Count == 0)
                    {
                        _parked.Remove(session);
                    }
                }
            }

            _parkedCount -= ready.Count;
        }

        foreach (var pending in ready)
        {
            _waiting.Writer.TryWrite(pending);
        }
    }

    // Parked batches whose wait ran out are decided a last time.
    private async Task SweepAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromMilliseconds(Math.Clamp(options.Value.GapWait.TotalMilliseconds / 4, 10, 1000));
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(every, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            var now = time.GetUtcNow();
            var expired = new List<PendingBatch>();
            lock (_parkLock)
            {
                foreach (var (session, list) in _parked.ToList())
                {
                    expired.AddRange(list.Where(p => p.ParkedUntil <= now));
                    list.RemoveAll(p => p.ParkedUntil <= now);
                    if (list.Count == 0)
                    {
                        _parked.Remove(session);
                    }
                }

                _parkedCount -= expired.Count;
            }

            foreach (var pending in expired)
            {
                pending.LastTry = true;
                _waiting.Writer.TryWrite(pending);
            }
        }
    }

    private async Task AnswerParkedAsync(PendingBatch pending, IngestionOutcome outcome)
    {
        try
        {
            await answers.SendAsync(bus, pending.Delivery, outcome, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Stored (or refused) and committed: the gateway's next publication gets the answer (a duplicate's).
            logger.LogWarning("the answer to parked batch {Batch} was not sent ({Error}); the gateway publishes it again and is answered then",
                pending.Delivery.Batch.BatchId, e.Message);
        }
    }
}
