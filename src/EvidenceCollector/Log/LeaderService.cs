using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Oracle.Hosting;
using Oracle.Storage;

namespace EvidenceCollector.Log;

/// <summary>
/// Competes for the sequencer lease (<see cref="SequencerLease"/>) and, while it holds it, sequences accepted batches
/// into the global log (<see cref="Sequencer"/>) and runs the leader's duties (anchoring, retention). Every collector
/// process runs one; exactly one leads. Taking over after a leader died takes at most the poll interval.
/// </summary>
internal sealed class LeaderService(
    OracleDatabase database,
    IOptions<DatabaseOptions> databaseOptions,
    IOptions<LogOptions> options,
    CollectorInstance instance,
    Sequencer sequencer,
    LatestHead latest,
    IEnumerable<ILeaderDuty> duties,
    CollectorMetrics metrics,
    ILogger<LeaderService> logger) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0);

    /// <summary>Whether this process leads right now.</summary>
    public bool IsLeader { get; private set; }

    /// <summary>Asks the sequencer to run a step now (ingestion calls it after a commit).</summary>
    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var settings = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            SequencerLease? lease = null;
            try
            {
                lease = await SequencerLease.TryAcquireAsync(databaseOptions.Value.ConnectionString!, database.Schema, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (TransientErrors.IsTransient(e) || e is NpgsqlException)
            {
                logger.LogWarning("cannot compete for the sequencer lease: {Error}", e.Message);
            }

            if (lease is null)
            {
                await Task.Delay(settings.LeaderPollInterval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }

            await using (lease)
            {
                await LeadAsync(lease, settings, stoppingToken);
            }
        }
    }

    private async Task LeadAsync(SequencerLease lease, LogOptions settings, CancellationToken stoppingToken)
    {
        using var leading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        IsLeader = true;
        metrics.Leader(true);
        logger.LogInformation("{Instance} is the sequencer now", instance.Name);
        // Leadership ends when the lease is lost (or the service stops); a duty that has nothing to do (anchoring off)
        // simply ends.
        var watch = lease.WatchAsync(settings.LeaderPollInterval, leading.Token);
        var sequence = SequenceAsync(settings, leading.Token);
        var tasks = new List<Task> { watch, sequence };
        tasks.AddRange(duties.Select(d => RunDutyAsync(d, leading.Token)));
        try
        {
            await Task.WhenAny(watch, sequence);
        }
        finally
        {
            await leading.CancelAsync();
            await Task.WhenAll(tasks).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            latest.Clear();
            IsLeader = false;
            metrics.Leader(false);
            if (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("{Instance} lost the sequencer lease (its database connection broke); competing again", instance.Name);
            }
        }
    }

    private async Task SequenceAsync(LogOptions settings, CancellationToken cancellationToken)
    {
        var initialized = false;
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (!initialized)
                {
                    await sequencer.InitializeAsync(instance.Name, cancellationToken);
                    initialized = true;
                }

                var (appended, head) = await sequencer.StepAsync(instance.Name, settings.MaxLeavesPerStep, cancellationToken);
                failures = 0;
                if (head is not null)
                {
                    // Committed (or read under the head row's lock) by the leader: the read API serves it from memory.
                    latest.Publish(head);
                    metrics.LogSize(head.TreeSize);
                }

                if (appended == settings.MaxLeavesPerStep)
                {
                    continue;
                }

                await _wake.WaitAsync(settings.SequenceInterval, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (SequencerConflictException e)
            {
                // Only possible when another process believed it led (the lease is per connection): nothing was written.
                logger.LogWarning("sequencer step abandoned: {Reason}", e.Message);
                await Task.Delay(settings.LeaderPollInterval, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            catch (Exception e)
            {
                failures++;
                var delay = TimeSpan.FromMilliseconds(Math.Min(200 * Math.Pow(2, Math.Min(failures, 6)), 10_000));
                logger.LogWarning("sequencer step failed ({Failures} in a row), retrying in {Delay} ms: {Error}", failures, (long)delay.TotalMilliseconds, e.Message);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task RunDutyAsync(ILeaderDuty duty, CancellationToken cancellationToken)
    {
        try
        {
            await duty.RunAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // A duty handles its own failures; one that escapes is a bug: keep sequencing, say so loudly.
            logger.LogError(e, "leader duty {Duty} stopped", duty.Name);
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
