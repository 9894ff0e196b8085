using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Oracle.Core.Policy;
using VpnGateway.Tunnel;

namespace VpnGateway.Diagnostics;

/// <summary>
/// The gateway's instruments (meter <c>Oracle.VpnGateway</c>, exported by prometheus-net at /metrics as
/// <c>oracle_vpngateway_&lt;name&gt;</c>): sessions, bytes and packets each way, drops by reason, policy denials by
/// rule, handshakes, the provider's background directory lookups. Observable instruments read the engine's own counters, so the packet path pays nothing for them.
/// Also the denial sink that counts by rule.
/// </summary>
internal sealed class GatewayMetrics : IPolicyDenialSink, IDisposable
{
    public const string MeterName = "Oracle.VpnGateway";

    private readonly Meter _meter = new(MeterName);
    private readonly ConcurrentDictionary<uint, StrongBox> _denials = new();
    private TunnelEngine? _engine;

    public GatewayMetrics()
    {
        _meter.CreateObservableGauge("sessions", () => Count(), description: "Sessions running");
        _meter.CreateObservableCounter("bytes", () => Traffic(bytes: true), unit: "By", description: "IP bytes through the tunnel");
        _meter.CreateObservableCounter("packets", () => Traffic(bytes: false), description: "IP packets through the tunnel");
        _meter.CreateObservableCounter("drops", Drops, description: "Datagrams and packets dropped, by reason");
        _meter.CreateObservableCounter("policy_denials", Denials, description: "Packets denied by the session policy, by rule id");
        _meter.CreateObservableCounter("handshakes", () => _engine?.HandshakesCompleted ?? 0, description: "Handshakes completed");
        _meter.CreateObservableCounter("packets_held_starting", () => _engine?.HeldWhileStarting ?? 0,
            description: "Data packets held while their session's metering started, carried once it ran");
        _meter.CreateObservableCounter("directory_lookups", () => (_engine as GatewayServer)?.DirectoryLookups.Lookups ?? 0,
            description: "Session lookups sent to the directory (the chain) in the background, off the handshake path");
        _meter.CreateObservableCounter("directory_lookup_failures", () => (_engine as GatewayServer)?.DirectoryLookups.Failures ?? 0,
            description: "Session lookups that failed or timed out (a running session keeps its last answer)");
        _meter.CreateObservableGauge("directory_lookups_pending", () => (_engine as GatewayServer)?.DirectoryLookups.Pending ?? 0,
            description: "Session lookups under way");
    }

    public void Attach(TunnelEngine engine) => _engine = engine;

    public void OnDenied(ulong sessionId, ReadOnlySpan<byte> ipPacket, uint ruleId, TrafficDirection direction, long unixTimeMilliseconds)
        => Interlocked.Increment(ref _denials.GetOrAdd(ruleId, static _ => new StrongBox()).Value);

    public IReadOnlyDictionary<uint, long> DenialsByRule() => _denials.ToDictionary(p => p.Key, p => Interlocked.Read(ref p.Value.Value));

    public void Dispose() => _meter.Dispose();

    private int Count() => _engine?.Sessions.Count() ?? 0;

    private IEnumerable<Measurement<long>> Traffic(bool bytes)
    {
        var engine = _engine;
        if (engine is null)
        {
            yield break;
        }

        var (rx, tx) = engine.TrafficTotals(bytes);
        yield return new Measurement<long>(rx, new KeyValuePair<string, object?>("direction", "rx"));
        yield return new Measurement<long>(tx, new KeyValuePair<string, object?>("direction", "tx"));
    }

    private IEnumerable<Measurement<long>> Drops()
    {
        var engine = _engine;
        if (engine is null)
        {
            yield break;
        }

        foreach (var reason in Enum.GetValues<DropReason>())
        {
            yield return new Measurement<long>(engine.Drops[reason], new KeyValuePair<string, object?>("reason", DropCounters.ToLabel(reason)));
        }
    }

    private IEnumerable<Measurement<long>> Denials()
    {
        foreach (var (rule, box) in _denials)
        {
            yield return new Measurement<long>(Interlocked.Read(ref box.Value), new KeyValuePair<string, object?>("rule", rule.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    private sealed class StrongBox
    {
        public long Value;
    }
}
