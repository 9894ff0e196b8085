using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace EvidenceCollector;

/// <summary>
/// The collector's instruments (meter <c>Oracle.EvidenceCollector</c>, exported at /metrics as
/// <c>oracle_evidencecollector_*</c>): batches accepted, rejected (by reason), deferred and conflicting, records stored,
/// leaves sequenced, the log's and the anchored size, anchors and their gas, malformed messages, proofs served and
/// records pruned. Every count is also kept in <see cref="Count"/> so logs, tests and the benchmark read the same numbers.
/// </summary>
/// <remarks>
/// The counts are <em>observable</em> counters, created with the meter and read when /metrics is scraped. prometheus-net
/// starts listening to .NET meters only at the first scrape and lets a series it was pushed expire when it is not
/// updated for a while, so pushed <c>Counter&lt;T&gt;</c> increments made before the first scrape (every batch of a
/// collector nobody had scraped yet) never reached /metrics, and a quiet counter vanished and restarted from 0.
/// </remarks>
public sealed class CollectorMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Oracle.EvidenceCollector";

    private readonly Meter _meter = new(MeterName);
    private readonly ConcurrentDictionary<(string, string?), long> _totals = new();
    private readonly Histogram<double> _sequenceSeconds;
    private readonly Histogram<double> _groupVerifySeconds;
    private readonly Histogram<double> _groupStoreSeconds;
    private readonly Histogram<long> _groupBatches;
    private readonly Histogram<double> _storePhaseSeconds;
    private readonly Histogram<double> _requestSeconds;
    private long _logSize;
    private long _anchoredSize;
    private int _leader;

    /// <summary>Creates the instruments.</summary>
    public CollectorMetrics()
    {
        _meter.CreateObservableGauge("log_size", () => Volatile.Read(ref _logSize), "leaves", "Leaves in the global log (the latest signed checkpoint)");
        _meter.CreateObservableGauge("log_anchored_size", () => Volatile.Read(ref _anchoredSize), "leaves", "The global log's size last anchored on-chain");
        _meter.CreateObservableGauge("sequencer_leader", () => Volatile.Read(ref _leader), null, "1 while this process holds the sequencer lease");
        _sequenceSeconds = _meter.CreateHistogram<double>("sequence_step_seconds", "s", "Duration of one sequencer step");
        _groupVerifySeconds = _meter.CreateHistogram<double>("group_verify_seconds", "s", "Verifying one group of batches (signatures, roots, sessions)");
        _groupStoreSeconds = _meter.CreateHistogram<double>("group_store_seconds", "s", "Storing one group of batches (one transaction, to its commit)");
        _groupBatches = _meter.CreateHistogram<long>("group_batches", null, "Batches decided in one group");
        _storePhaseSeconds = _meter.CreateHistogram<double>("group_store_phase_seconds", "s",
            "Storing one group, by phase: lock (session rows locked, held ids read), decide, copy (records), write (other rows), commit");
        // Millisecond-scale buckets (the default ones start at 10 ms): a record proof takes about one.
        _requestSeconds = _meter.CreateHistogram("request_seconds", "s", "Serving one read API or tile request, from its routing to its last byte, by endpoint",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = RequestBuckets });
        foreach (var (name, description) in CollectorCounters.All)
        {
            _meter.CreateObservableCounter(name, () => Observe(name), null, description);
        }
    }

    /// <summary>Adds <paramref name="delta"/> to counter <paramref name="name"/> (with an optional <c>reason</c> tag).</summary>
    public void Add(string name, long delta = 1, string? reason = null)
    {
        _totals.AddOrUpdate((name, reason), delta, (_, v) => v + delta);
    }

    /// <summary>The total of <paramref name="name"/> with <paramref name="reason"/>, or over all reasons when null.</summary>
    public long Count(string name, string? reason = null)
    {
        long total = 0;
        foreach (var ((n, r), v) in _totals)
        {
            if (n == name && (reason is null || r == reason))
            {
                total += v;
            }
        }

        return total;
    }

    private IEnumerable<Measurement<long>> Observe(string name)
    {
        foreach (var ((n, reason), value) in _totals)
        {
            if (n == name)
            {
                yield return reason is null ? new Measurement<long>(value) : new Measurement<long>(value, new KeyValuePair<string, object?>("reason", reason));
            }
        }
    }

    /// <summary>A sequencer step appended <paramref name="leaves"/> leaves and the log has <paramref name="size"/>.</summary>
    public void LeavesSequenced(int leaves, ulong size, TimeSpan took)
    {
        Add(CollectorCounters.LeavesSequenced, leaves);
        Volatile.Write(ref _logSize, (long)size);
        _sequenceSeconds.Record(took.TotalSeconds);
    }

    /// <summary>A group of <paramref name="batches"/> was verified in <paramref name="verify"/> and stored in <paramref name="store"/>.</summary>
    public void GroupDecided(int batches, TimeSpan verify, TimeSpan store)
    {
        _groupBatches.Record(batches);
        _groupVerifySeconds.Record(verify.TotalSeconds);
        _groupStoreSeconds.Record(store.TotalSeconds);
    }

    /// <summary>One phase of storing a group took <paramref name="took"/>.</summary>
    public void StorePhase(string phase, TimeSpan took) => _storePhaseSeconds.Record(took.TotalSeconds, new KeyValuePair<string, object?>("phase", phase));

    /// <summary>The buckets of <c>request_seconds</c>: 0.25 ms to 1 s.</summary>
    public static readonly double[] RequestBuckets =
        [0.00025, 0.0005, 0.00075, 0.001, 0.00125, 0.0015, 0.00175, 0.002, 0.0025, 0.003, 0.0035, 0.004, 0.005, 0.006, 0.0075, 0.01, 0.0125, 0.015, 0.02, 0.03, 0.05, 0.1, 0.25, 0.5, 1];

    /// <summary>A read API or tile request to <paramref name="endpoint"/> (its route pattern) took <paramref name="took"/>.</summary>
    public void Request(string endpoint, TimeSpan took) => _requestSeconds.Record(took.TotalSeconds, new KeyValuePair<string, object?>("endpoint", endpoint));

    /// <summary>The log's current size (read at start and by followers).</summary>
    public void LogSize(ulong size) => Volatile.Write(ref _logSize, (long)size);

    /// <summary>The size last anchored on-chain.</summary>
    public void Anchored(ulong size) => Volatile.Write(ref _anchoredSize, (long)size);

    /// <summary>Whether this process holds the sequencer lease.</summary>
    public void Leader(bool leading) => Volatile.Write(ref _leader, leading ? 1 : 0);

    /// <inheritdoc/>
    public void Dispose() => _meter.Dispose();
}
