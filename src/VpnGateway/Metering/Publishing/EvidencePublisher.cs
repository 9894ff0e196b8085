using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VpnGateway.Metering.Spool;

namespace VpnGateway.Metering.Publishing;

/// <summary>
/// Drains the spool to the bus: each due batch is published and removed only after the broker confirmed it; a failure
/// postpones it with exponential backoff (and ends the round: the broker is probably away). At least once on the wire,
/// exactly once for a consumer that deduplicates by batch id.
/// </summary>
internal sealed class EvidencePublisher : BackgroundService
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

    /// <summary>Publishes what is due now.</summary>
    /// <returns>How many batches were confirmed and removed.</returns>
    public async Task<int> PublishDueAsync(CancellationToken cancellationToken)
    {
        var published = 0;
        foreach (var batch in _spool.Due(_time.GetUtcNow().ToUnixTimeMilliseconds(), RoundSize))
        {
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
                _spool.Postpone(batch.BatchId, _time.GetUtcNow().ToUnixTimeMilliseconds() + (long)delay.TotalMilliseconds, $"{e.GetType().Name}: {e.Message}");
                _metrics.Add(MeteringCounters.PublishFailures, reason: e.GetType().Name);
                _logger.LogWarning("evidence batch {Batch} (session {Session}, tree size {Size}) not confirmed, attempt {Attempt}; retrying in {Delay} ms: {Error}",
                    batch.BatchId, batch.SessionId, batch.Checkpoint.TreeSize, attempts, (long)delay.TotalMilliseconds, e.Message);
                return published;
            }

            _spool.Remove(batch.BatchId);
            _metrics.Add(MeteringCounters.BatchesPublished);
            published++;
        }

        if (_spool.QuarantinedNow > 0)
        {
            _logger.LogError("{Count} spooled batches could not be read and were set aside (kept in the spool, not published)", _spool.QuarantinedNow);
        }

        return published;
    }

    /// <summary>The delay before attempt <paramref name="attempts"/> + 1: doubling from the first delay up to the cap, with up to 20 % jitter.</summary>
    internal TimeSpan Backoff(int attempts)
    {
        var doubled = _options.RetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempts - 1, 20));
        var capped = Math.Min(doubled, _options.MaxRetryDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (1 + (0.2 * Random.Shared.NextDouble())));
    }

    public override void Dispose()
    {
        _spool.BatchReady -= Signal;
        _ready.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
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

    private void Signal()
    {
        if (_ready.CurrentCount == 0)
        {
            _ready.Release();
        }
    }
}
