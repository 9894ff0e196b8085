using Oracle.Core.Policy;
using VpnGateway.Metering.Flows;
using VpnGateway.Routing;

namespace VpnGateway.Metering.Capture;

/// <summary>
/// One libpcap capture of a TUN device that carries many sessions (the provider's shared device), handing every packet
/// to the session it belongs to: the one whose client-side prefixes (tunnel addresses, routed LANs) hold its
/// destination (inbound) or else its source (outbound), by longest prefix. A packet is parsed once, on the capture
/// thread, without allocation. Sessions attach and detach while the capture runs; a packet of no attached session (a
/// client that left) is counted and otherwise ignored. Capture drops are the device's: a session is charged with every
/// drop that happened while it was attached (an upper bound of its own lost packets; the capture cannot tell whose
/// packets the kernel dropped).
/// </summary>
internal sealed class SharedCapture : ICapturedPacketSink, IDisposable
{
    private readonly RouteTable<SessionFlowMeter> _sessions = new();
    private readonly Func<ICapturedPacketSink, TunCapture> _open;
    private readonly Lock _lock = new();
    private TunCapture? _capture;
    private CaptureStatistics _closed;
    private int _attached;
    private long _unattributed;
    private readonly MalformedPacketCounter _malformed = new();

    /// <param name="interfaceName">The device.</param>
    /// <param name="open">Opens the capture of the device with this object as its sink (tests open it inside a namespace).</param>
    public SharedCapture(string interfaceName, Func<ICapturedPacketSink, TunCapture> open)
    {
        InterfaceName = interfaceName;
        _open = open;
    }

    public string InterfaceName { get; }

    /// <summary>Packets that belonged to no attached session.</summary>
    public long Unattributed => Interlocked.Read(ref _unattributed);

    /// <summary>Packets that did not parse, by reason (not attributable to a session).</summary>
    public (long NotIp, long Truncated, long BadHeader) Malformed => _malformed.Totals;

    /// <summary>The device's capture counters, over every time it was open (it closes when no session is attached).</summary>
    public CaptureStatistics Statistics
    {
        get
        {
            lock (_lock)
            {
                return Plus(_closed, _capture?.Statistics ?? default);
            }
        }
    }

    /// <summary>Adds the malformed packets counted since the last call to <paramref name="metrics"/> (the sweep calls it).</summary>
    public void ReportTo(MeteringMetrics metrics)
    {
        _malformed.ReportTo(metrics);
    }

    /// <summary>Sessions attached.</summary>
    public int Attached => Volatile.Read(ref _attached);

    /// <summary>
    /// Starts handing <paramref name="flows"/> the packets of <paramref name="clientPrefixes"/> (opening the capture for
    /// the first session). Dispose the result to stop.
    /// </summary>
    /// <exception cref="CaptureException">The device cannot be captured.</exception>
    public CaptureAttachment Attach(IReadOnlyList<IpPrefix> clientPrefixes, SessionFlowMeter flows)
    {
        ArgumentNullException.ThrowIfNull(clientPrefixes);
        ArgumentNullException.ThrowIfNull(flows);
        lock (_lock)
        {
            if (_capture is null)
            {
                var capture = _open(this);
                capture.Start();
                _capture = capture;
            }

            flows.SegmentMtu = _capture.Mtu;
            foreach (var prefix in clientPrefixes)
            {
                _sessions.Add(prefix, flows);
            }

            _attached++;
            return new CaptureAttachment(this, clientPrefixes, flows, _capture.Statistics);
        }
    }

    /// <summary>Completes when every packet captured before the call was handed to its session (at most <paramref name="timeout"/>).</summary>
    internal Task DrainAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        TunCapture? capture;
        lock (_lock)
        {
            capture = _capture;
        }

        return capture?.DrainAsync(timeout, cancellationToken) ?? Task.CompletedTask;
    }

    /// <summary>
    /// Stops handing <paramref name="flows"/> packets once every packet captured so far was handed over; closes the
    /// capture when no session is left (a client's device goes with its session).
    /// </summary>
    /// <returns>The capture's counters at that moment.</returns>
    internal async Task<CaptureStatistics> DetachAsync(IReadOnlyList<IpPrefix> clientPrefixes, SessionFlowMeter flows)
    {
        TunCapture? capture;
        lock (_lock)
        {
            capture = _capture;
        }

        if (capture is not null)
        {
            await capture.DrainAsync(TimeSpan.FromSeconds(2), CancellationToken.None).ConfigureAwait(false);
        }

        TunCapture? close = null;
        CaptureStatistics last;
        lock (_lock)
        {
            foreach (var prefix in clientPrefixes)
            {
                _sessions.Remove(prefix, flows);
            }

            if (--_attached == 0)
            {
                (close, _capture) = (_capture, null);
            }

            last = Plus(_closed, _capture?.Statistics ?? default);
        }

        if (close is not null)
        {
            // Outside the lock: closing waits for the thread, which may be handing a packet to a session meanwhile.
            close.Dispose();
            lock (_lock)
            {
                _closed = Plus(_closed, close.Statistics);
                last = Plus(_closed, _capture?.Statistics ?? default);
            }
        }

        return last;
    }

    /// <inheritdoc/>
    public bool OnForwarded(ReadOnlySpan<byte> captured, int wireLength, long timestampMs)
    {
        if (!_malformed.TryParse(captured, wireLength, out var headers))
        {
            return false;
        }

        var session = Lookup(headers.IpVersion, headers.Destination) ?? Lookup(headers.IpVersion, headers.Source);
        if (session is null)
        {
            Interlocked.Increment(ref _unattributed);
            return false;
        }

        session.OnCaptured(headers, timestampMs);
        return true;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_capture is { } capture)
            {
                capture.Dispose();
                _closed = Plus(_closed, capture.Statistics);
                _capture = null;
            }
        }
    }

    private static CaptureStatistics Plus(CaptureStatistics a, CaptureStatistics b)
        => new(a.Received + b.Received, a.Dropped + b.Dropped, a.InterfaceDropped + b.InterfaceDropped, a.Processed + b.Processed);

    // Flow records number addresses as IPv6, IPv4 mapped (::ffff:a.b.c.d): the low 32 bits are the IPv4 address.
    private SessionFlowMeter? Lookup(byte ipVersion, UInt128 address)
        => ipVersion == 4 ? _sessions.Lookup4((uint)address) : _sessions.Lookup6(address);
}
