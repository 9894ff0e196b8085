using Oracle.Core.Policy;
using VpnGateway.Metering.Flows;

namespace VpnGateway.Metering.Capture;

/// <summary>
/// A session's share of a <see cref="SharedCapture"/>: its packets go to its flow meter until <see cref="DisposeAsync"/>;
/// its capture counters are the device's since the session attached.
/// </summary>
internal sealed class CaptureAttachment : IAsyncDisposable
{
    private readonly SharedCapture _capture;
    private readonly IReadOnlyList<IpPrefix> _prefixes;
    private readonly SessionFlowMeter _flows;
    private readonly CaptureStatistics _base;
    private CaptureStatistics? _final;
    private int _detached;

    internal CaptureAttachment(SharedCapture capture, IReadOnlyList<IpPrefix> prefixes, SessionFlowMeter flows, CaptureStatistics atAttach)
    {
        _capture = capture;
        _prefixes = prefixes;
        _flows = flows;
        _base = atAttach;
    }

    public string InterfaceName => _capture.InterfaceName;

    /// <summary>
    /// Since the session attached (frozen when it detached): the packets counted into its flows, and every packet the
    /// device's capture lost meanwhile (the session's share of them cannot be told, so all are counted against it).
    /// </summary>
    public CaptureStatistics Statistics
    {
        get
        {
            if (_final is { } final)
            {
                return final;
            }

            var now = _capture.Statistics;
            var packets = (ulong)_flows.Packets;
            return new CaptureStatistics(packets, Since(now.Dropped, _base.Dropped), Since(now.InterfaceDropped, _base.InterfaceDropped), packets);
        }
    }

    /// <summary>
    /// Completes when every packet the device's capture took before the call was handed over (at most
    /// <paramref name="timeout"/>): libpcap hands packets over in blocks, up to its read timeout late.
    /// </summary>
    public Task DrainAsync(TimeSpan timeout, CancellationToken cancellationToken)
        => Volatile.Read(ref _detached) != 0 ? Task.CompletedTask : _capture.DrainAsync(timeout, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _detached, 1) != 0)
        {
            return;
        }

        var last = await _capture.DetachAsync(_prefixes, _flows).ConfigureAwait(false);
        var packets = (ulong)_flows.Packets;
        _final = new CaptureStatistics(packets, Since(last.Dropped, _base.Dropped), Since(last.InterfaceDropped, _base.InterfaceDropped), packets);
    }

    private static ulong Since(ulong now, ulong then) => now >= then ? now - then : 0;
}
