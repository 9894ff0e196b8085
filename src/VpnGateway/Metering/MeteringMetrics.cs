using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace VpnGateway.Metering;

/// <summary>
/// Metering's instruments (meter <c>Oracle.VpnGateway.Metering</c>, exported at /metrics): packets, records,
/// checkpoints, vouchers, rejections by reason, cut-offs, provider mismatches, spool and capture counters. Every count
/// is also kept in <see cref="Count"/> so logs and tests read the same numbers.
/// </summary>
public sealed class MeteringMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Oracle.VpnGateway.Metering";

    private readonly Meter _meter;
    private readonly ConcurrentDictionary<string, Counter<long>> _counters = new();
    private readonly ConcurrentDictionary<(string, string?), long> _totals = new();
    private readonly ConcurrentDictionary<ulong, Func<(ulong Received, ulong Dropped, ulong InterfaceDropped)>> _captures = new();
    private readonly ConcurrentDictionary<string, Func<(ulong Received, ulong Dropped, ulong InterfaceDropped, long Unattributed)>> _devices = new();
    private Func<long>? _spoolPending;

    /// <summary>Creates the instruments.</summary>
    public MeteringMetrics()
    {
        _meter = new Meter(MeterName);
        _meter.CreateObservableCounter("capture.received", () => Capture(c => c.Received), "packets", "Packets captured and counted into the session's flows, per session");
        _meter.CreateObservableCounter("capture.dropped", () => Capture(c => c.Dropped), "packets", "Packets the capture of the session's device lost while the session ran (kernel buffer full), per session");
        _meter.CreateObservableCounter("capture.interface_dropped", () => Capture(c => c.InterfaceDropped), "packets", "Packets the interface dropped, per session");
        _meter.CreateObservableCounter("capture.device_received", () => Device(d => (long)d.Received), "packets", "Packets libpcap received, per captured device");
        _meter.CreateObservableCounter("capture.device_dropped", () => Device(d => (long)d.Dropped), "packets", "Packets the capture lost (kernel buffer full), per captured device");
        _meter.CreateObservableCounter("capture.device_unattributed", () => Device(d => d.Unattributed), "packets", "Captured packets of no metered session, per captured device");
        _meter.CreateObservableGauge("spool.pending", () => _spoolPending?.Invoke() ?? 0, "batches", "Signed batches waiting for the broker's confirmation");
    }

    /// <summary>Adds <paramref name="delta"/> to counter <paramref name="name"/> (with an optional <c>reason</c> tag).</summary>
    public void Add(string name, long delta = 1, string? reason = null)
    {
        var counter = _counters.GetOrAdd(name, n => _meter.CreateCounter<long>(n));
        if (reason is null)
        {
            counter.Add(delta);
        }
        else
        {
            counter.Add(delta, new KeyValuePair<string, object?>("reason", reason));
        }

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

    /// <summary>Reports a session's capture counters until <see cref="RemoveCapture"/>.</summary>
    public void AddCapture(ulong sessionId, Func<(ulong Received, ulong Dropped, ulong InterfaceDropped)> read) => _captures[sessionId] = read;

    /// <summary>Reports a device's shared capture (for as long as the gateway runs).</summary>
    public void AddDeviceCapture(string device, Func<(ulong Received, ulong Dropped, ulong InterfaceDropped, long Unattributed)> read) => _devices[device] = read;

    /// <summary>Stops reporting a session's capture.</summary>
    public void RemoveCapture(ulong sessionId) => _captures.TryRemove(sessionId, out _);

    /// <summary>Reports the spool's backlog.</summary>
    public void ObserveSpool(Func<long> pending) => _spoolPending = pending;

    /// <inheritdoc/>
    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<long>> Device(Func<(ulong Received, ulong Dropped, ulong InterfaceDropped, long Unattributed), long> field)
    {
        foreach (var (device, read) in _devices)
        {
            yield return new Measurement<long>(field(read()), new KeyValuePair<string, object?>("device", device));
        }
    }

    private IEnumerable<Measurement<long>> Capture(Func<(ulong Received, ulong Dropped, ulong InterfaceDropped), ulong> field)
    {
        foreach (var (session, read) in _captures)
        {
            yield return new Measurement<long>((long)field(read()), new KeyValuePair<string, object?>("session", session));
        }
    }
}
