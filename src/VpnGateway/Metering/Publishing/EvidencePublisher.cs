using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Oracle.Core.Evidence;
using VpnGateway.Metering.Spool;

namespace VpnGateway.Metering.Publishing;

/// <summary>
/// Drains the spool to the bus and takes the collector's answers. Each due batch is published; once the broker confirmed
/// it, it stays spooled (published) until the collector acknowledges it, and is published again if no answer came within
/// <see cref="MeteringOptions.AcknowledgementTimeout"/> (doubling per publication up to
/// <see cref="MeteringOptions.MaxAcknowledgementTimeout"/>). A failed publication is postponed with exponential backoff
/// (and ends the round: the broker is probably away). An acceptance removes the batch; a rejection quarantines it. At
/// least once on the wire, exactly once for a consumer that deduplicates by batch id.
/// </summary>
internal sealed class EvidencePublisher : BackgroundService, IEvidenceAcknowledgementHandler
{
    private const int RoundSize = 64;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);
    private readonly EvidenceSpool _spool;
    private readonly IEvidenceBus _bus;
    private readonly MeteringOptions _options;
    private readonly MeteringMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<EvidencePublisher> _logger;
    private readonly SemaphoreSlim _ready = new(0);
    private IAsyncDisposable? _listening;

    public EvidencePublisher(EvidenceSpool spool, IEvidenceBus bus, MeteringOptions options, MeteringMetrics metrics, TimeProvider time, ILogger<EvidencePublisher> logger)
    {
        _spool = spool;
        _bus = bus;
        _options = options;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _spool.BatchReady += Signal;
        _metrics.ObserveSpool(() => _spool.Pending);
    }

    /// <summary>Starts taking the collector's answers (the hosted service does it when it starts).</summary>
    public async Task ListenAsync(CancellationToken cancellationToken)
    {
        _listening ??= await _bus.ListenAsync(this, cancellationToken);
    }

    /// <summary>Publishes what is due now: new batches, and published ones whose acknowledgement is overdue.</summary>
    /// <returns>How many publications the broker confirmed.</returns>
    public async Task<int> PublishDueAsync(CancellationToken cancellationToken)
    {
        var published = 0;
        foreach (var batch in _spool.Due(NowMs, RoundSize))
        {
            var publications = _spool.Publications(batch.BatchId);
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(_options.PublishTimeout);
                await _bus.PublishAsync(batch, timeout.Token);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                var attempts = _spool.Attempts(batch.BatchId) + 1;
                var delay = Backoff(attempts);
                _spool.Postpone(batch.BatchId, NowMs + (long)delay.TotalMilliseconds, $"{e.GetType().Name}: {e.Message}");
                _metrics.Add(MeteringCounters.PublishFailures, reason: e.GetType().Name);
                _logger.LogWarning("evidence batch {Batch} (session {Session}, tree size {Size}) not confirmed, attempt {Attempt}; retrying in {Delay} ms: {Error}",
                    batch.BatchId, batch.SessionId, batch.Checkpoint.TreeSize, attempts, (long)delay.TotalMilliseconds, e.Message);
                return published;
            }

            _spool.MarkPublished(batch.BatchId, NowMs + (long)AcknowledgementTimeout(publications + 1).TotalMilliseconds);
            _metrics.Add(MeteringCounters.BatchesPublished);
            if (publications > 0)
            {
                _metrics.Add(MeteringCounters.BatchesRepublished);
                _logger.LogInformation("evidence batch {Batch} (session {Session}, tree size {Size}) published again: no answer from the collector after {Publications} publication(s)",
                    batch.BatchId, batch.SessionId, batch.Checkpoint.TreeSize, publications);
            }

            published++;
        }

        if (_spool.QuarantinedNow > 0)
        {
            _logger.LogError("{Count} spooled batches could not be read and were set aside (kept in the spool, not published)", _spool.QuarantinedNow);
        }

        return published;
    }

    /// <inheritdoc/>
    public void OnAccepted(EvidenceBatchAccepted accepted)
    {
        ArgumentNullException.ThrowIfNull(accepted);
        switch (_spool.Acknowledge(accepted.BatchId, accepted.Digest ?? []))
        {
            case AcknowledgementOutcome.Removed:
                _metrics.Add(MeteringCounters.BatchesAcknowledged, reason: accepted.Verdict.ToString());
                _logger.LogDebug("evidence batch {Batch} (session {Session}, tree size {Size}) acknowledged by {Consumer} ({Verdict})",
                    accepted.BatchId, accepted.SessionId, accepted.TreeSize, accepted.Consumer, accepted.Verdict);
                break;
            case AcknowledgementOutcome.OtherContent:
                _metrics.Add(MeteringCounters.AcknowledgementsMismatched);
                _logger.LogWarning("evidence batch {Batch} (session {Session}, tree size {Size}): {Consumer} acknowledged other content under its id; kept and published again",
                    accepted.BatchId, accepted.SessionId, accepted.TreeSize, accepted.Consumer);
                break;
        }
    }

    /// <inheritdoc/>
    public void OnRejected(EvidenceBatchRejected rejected)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        switch (_spool.Reject(rejected.BatchId, rejected.Digest ?? [], $"{rejected.Error}: {rejected.Reason}"))
        {
            case RejectionOutcome.Quarantined:
                _metrics.Add(MeteringCounters.BatchesRejected, reason: rejected.Error.ToString());
                _logger.LogError("evidence batch {Batch} (session {Session}, tree size {Size}) rejected by {Consumer}: {Error} ({Reason}); kept quarantined in the spool",
                    rejected.BatchId, rejected.SessionId, rejected.TreeSize, rejected.Consumer, rejected.Error, rejected.Reason);
                break;
            case RejectionOutcome.OtherContent:
                _metrics.Add(MeteringCounters.RejectionsIgnored, reason: "OtherContent");
                _logger.LogWarning("evidence batch {Batch} (session {Session}, tree size {Size}): {Consumer} rejected other content under its id; ignored",
                    rejected.BatchId, rejected.SessionId, rejected.TreeSize, rejected.Consumer);
                break;
            default:
                _metrics.Add(MeteringCounters.RejectionsIgnored, reason: "NotPublished");
                _logger.LogWarning("evidence batch {Batch} (session {Session}, tree size {Size}): {Consumer} rejected a batch this gateway has not published; ignored",
                    rejected.BatchId, rejected.SessionId, rejected.TreeSize, rejected.Consumer);
                break;
        }
    }

    /// <summary>The delay before attempt <paramref name="attempts"/> + 1: doubling from the first delay up to the cap, with up to 20 % jitter.</summary>
    internal TimeSpan Backoff(int attempts)
    {
        var doubled = _options.RetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempts - 1, 20));
        var capped = Math.Min(doubled, _options.MaxRetryDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (1 + (0.2 * Random.Shared.NextDouble())));
    }

    /// <summary>How long the <paramref name="publication"/>-th publication waits for the collector: doubling up to the cap.</summary>
    internal TimeSpan AcknowledgementTimeout(int publication)
    {
        var doubled = _options.AcknowledgementTimeout.TotalMilliseconds * Math.Pow(2, Math.Min(publication - 1, 30));
        return TimeSpan.FromMilliseconds(Math.Min(doubled, Math.Max(_options.MaxAcknowledgementTimeout.TotalMilliseconds, _options.AcknowledgementTimeout.TotalMilliseconds)));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_listening is { } listening)
        {
            _listening = null;
            await listening.DisposeAsync();
        }
    }

    public override void Dispose()
    {
        _spool.BatchReady -= Signal;
        _ready.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the host's start: connecting the acknowledgement queue waits for the broker.
        await Task.Yield();
        while (_listening is null)
        {
            try
            {
                await ListenAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The broker may be away at start: publication waits for the answers' queue, which is retried.
                _logger.LogWarning("cannot listen for the collector's acknowledgements yet: {Error}", e.Message);
                await Task.Delay(_options.RetryDelay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
            }
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            int published;
            try
            {
                published = await PublishDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            if (published == 0)
            {
                try
                {
                    await _ready.WaitAsync(PollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private void Signal()
    {
        if (_ready.CurrentCount == 0)
        {
            _ready.Release();
        }
    }
}
