using Oracle.Core.Policy;
using VpnGateway.Control;
using VpnGateway.Policy;
using VpnGateway.Sessions;
using VpnGateway.Transport;
using VpnGateway.Providers;

namespace VpnGateway.Tunnel;

/// <summary>
/// One peer of the tunnel, and all a gateway keeps per session: its keys (current, previous, next as in WireGuard, each
/// with its replay window), its endpoint (updated on every authenticated datagram: roaming), the prefixes the engine
/// routes to it, a reference to its policy (compiled once per document and shared) with its own rate-limit buckets, its
/// control channel and counters. No device and no thread of its own: the engine's workers carry every session.
/// </summary>
internal sealed class TunnelSession : IDisposable
{
    private readonly Lock _keysLock = new();
    private readonly Lock _startLock = new();
    private StartQueue? _startQueue;
    private volatile Keypair? _current;
    private volatile Keypair? _previous;
    private volatile Keypair? _next;
    private volatile EndpointHolder? _endpoint;
    private readonly PrefixSet _sources;
    private long _lastReceived;
    private long _lastSent;
    private long _unansweredSince;
    private long _rxBytes;
    private long _rxPackets;
    private long _txBytes;
    private long _txPackets;
    private int _state;

    public TunnelSession(ulong sessionId, byte[] peerStatic, string? clientAddress, IReadOnlyList<IpPrefix> allowedSources, long created, int mtu)
    {
        Created = created;
        SessionId = sessionId;
        PeerStatic = peerStatic;
        ClientAddress = clientAddress;
        Mtu = mtu;
        _sources = new PrefixSet(allowedSources);
    }

    /// <summary>The prefixes the peer may use as source address (cryptokey routing: the tunnel address, routed LANs).</summary>
    public IReadOnlyList<IpPrefix> AllowedSources => _sources.Prefixes;

    /// <summary>Whether a packet from the peer may carry its source address.</summary>
    public bool IsAllowedSource(in PacketTuple tuple) => _sources.Contains(tuple.IsIPv6, tuple.Source);

    public ulong SessionId { get; }

    /// <summary>When the session was set up (TimeProvider timestamp).</summary>
    public long Created { get; }

    /// <summary>The peer's static X25519 key.</summary>
    public byte[] PeerStatic { get; set; }

    public string? ClientAddress { get; }

    /// <summary>The session's tunnel MTU (the same on both ends).</summary>
    public int Mtu { get; }

    /// <summary>
    /// The prefixes whose packets on the TUN device belong to this session (the provider: the client's tunnel addresses
    /// and routed LANs); set before the engine registers the session.
    /// </summary>
    public IReadOnlyList<IpPrefix> RoutedPrefixes { get; init; } = [];

    /// <summary>The provider: the directory's record the session was authorised with (refreshed while it runs).</summary>
    public SessionRecord? Record { get; set; }

    /// <summary>The enforcer of the provider's policy (null on the client).</summary>
    public SessionPolicy? Policy { get; set; }

    /// <summary>Cancelled at the very end: stops the control channel's dispatcher.</summary>
    public CancellationTokenSource Stopping { get; } = new();

    /// <summary>Cancelled when the peer's Close arrives.</summary>
    public CancellationTokenSource PeerClosed { get; } = new();

    /// <summary>Completes when the observers were told that the session started (or gave up).</summary>
    public TaskCompletionSource ObserversStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the session ended and its device is gone.</summary>
    public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Why the session ends (set when it starts ending).</summary>
    public SessionEndReason? EndReason { get; private set; }

    /// <summary>The reason in words (what the peer is told, or what it told us).</summary>
    public string? EndDetail { get; private set; }

    public ControlChannel? Control { get; set; }

    public Task? ControlDispatcher { get; set; }

    public GatewaySession? Info { get; set; }

    /// <summary>The last initiation timestamp accepted from this peer (responder: replay guard).</summary>
    public byte[]? LastInitiationTimestamp { get; set; }

    public SessionState State => (SessionState)Volatile.Read(ref _state);

    /// <summary>Whether data packets flow (the hot paths read it once per packet: one volatile read).</summary>
    public bool IsRunning => Volatile.Read(ref _state) == (int)SessionState.Running;

    /// <summary>
    /// Starting → Running: first <paramref name="flush"/> gets the packets held while the session started (null when none)
    /// and carries them, then data flows. Packets offered meanwhile wait for this, so none overtakes a held one. False
    /// (nothing carried; <paramref name="flush"/> not called) when the session already started ending.
    /// </summary>
    public bool TryStart(Action<StartQueue?> flush)
    {
        lock (_startLock)
        {
            if (State != SessionState.Starting)
            {
                return false;
            }

            var held = _startQueue;
            _startQueue = null;
            flush(held);
            return Interlocked.CompareExchange(ref _state, (int)SessionState.Running, (int)SessionState.Starting) == (int)SessionState.Starting;
        }
    }

    /// <summary>Holds a copy of <paramref name="packet"/> while the session starts (see <see cref="StartQueue"/>).</summary>
    /// <param name="fromPeer">Decrypted from the peer (true) or read from the device for the peer (false).</param>
    /// <param name="packet">The IP packet.</param>
    public HoldOutcome TryHold(bool fromPeer, ReadOnlySpan<byte> packet)
    {
        lock (_startLock)
        {
            switch (State)
            {
                case SessionState.Running:
                    return HoldOutcome.Running;
                case SessionState.Starting:
                    _startQueue ??= new StartQueue();
                    return _startQueue.TryAdd(fromPeer, packet) ? HoldOutcome.Held : HoldOutcome.Full;
                default:
                    return HoldOutcome.NotStarting;
            }
        }
    }

    /// <summary>Drops what was held (the session ends without having run); returns how many packets.</summary>
    public int DiscardHeld()
    {
        lock (_startLock)
        {
            var count = _startQueue?.Count ?? 0;
            _startQueue = null;
            return count;
        }
    }

    /// <summary>Starting or Running → Ending, once; false when it already ends.</summary>
    public bool TryBeginEnding(SessionEndReason reason, string detail)
    {
        lock (_keysLock)
        {
            if (State >= SessionState.Ending)
            {
                return false;
            }

            EndReason = reason;
            EndDetail = detail;
            Volatile.Write(ref _state, (int)SessionState.Ending);
            return true;
        }
    }

    public void MarkEnded() => Volatile.Write(ref _state, (int)SessionState.Ended);

    public Keypair? Current => _current;

    public Keypair? Previous => _previous;

    public Keypair? Next => _next;

    public UdpEndpoint? Endpoint => _endpoint?.Value;

    public long LastReceived => Interlocked.Read(ref _lastReceived);

    public long LastSent => Interlocked.Read(ref _lastSent);

    public long RxBytes => Interlocked.Read(ref _rxBytes);

    public long RxPackets => Interlocked.Read(ref _rxPackets);

    public long TxBytes => Interlocked.Read(ref _txBytes);

    public long TxPackets => Interlocked.Read(ref _txPackets);

    public void SetEndpoint(UdpEndpoint endpoint)
    {
        var holder = _endpoint;
        if (holder is null || holder.Value != endpoint)
        {
            _endpoint = new EndpointHolder(endpoint);
        }
    }

    public void MarkReceived(long now)
    {
        Interlocked.Exchange(ref _lastReceived, now);
        if (Interlocked.Read(ref _unansweredSince) != 0)
        {
            Interlocked.Exchange(ref _unansweredSince, 0);
        }
    }

    /// <summary>Data went out: starts the "no answer" clock unless it already runs.</summary>
    public void MarkDataSent(long now)
    {
        Interlocked.Exchange(ref _lastSent, now);
        if (Interlocked.Read(ref _unansweredSince) == 0)
        {
            Interlocked.CompareExchange(ref _unansweredSince, now, 0);
        }
    }

    /// <summary>When data was first sent after the last datagram received from the peer (0: nothing unanswered).</summary>
    public long UnansweredSince => Interlocked.Read(ref _unansweredSince);

    public void MarkSent(long now) => Interlocked.Exchange(ref _lastSent, now);

    public void CountReceived(long packets, long bytes)
    {
        Interlocked.Add(ref _rxPackets, packets);
        Interlocked.Add(ref _rxBytes, bytes);
    }

    public void CountSent(long packets, long bytes)
    {
        Interlocked.Add(ref _txPackets, packets);
        Interlocked.Add(ref _txBytes, bytes);
    }

    /// <summary>Installs the keys of a handshake this side initiated (used at once); returns the keypair that retired.</summary>
    public Keypair? InstallInitiatorKeys(Keypair keypair)
    {
        lock (_keysLock)
        {
            var retired = _previous;
            _previous = _current;
            _current = keypair;
            return retired;
        }
    }

    /// <summary>Installs the keys of a handshake this side answered (used once the initiator sends with them); returns the replaced next.</summary>
    public Keypair? InstallResponderKeys(Keypair keypair)
    {
        lock (_keysLock)
        {
            var replaced = _next;
            _next = keypair;
            return replaced;
        }
    }

    /// <summary>The initiator used <paramref name="keypair"/>: it becomes current. Returns the keypair that retired.</summary>
    public Keypair? ConfirmNext(Keypair keypair)
    {
        lock (_keysLock)
        {
            if (_next != keypair)
            {
                return null;
            }

            var retired = _previous;
            _previous = _current;
            _current = keypair;
            _next = null;
            return retired;
        }
    }

    /// <summary>Removes every keypair (session end); returns them for index removal.</summary>
    public Keypair?[] ClearKeys()
    {
        lock (_keysLock)
        {
            Keypair?[] all = [_current, _previous, _next];
            _current = _previous = _next = null;
            return all;
        }
    }

    public void Dispose()
    {
        Stopping.Dispose();
        PeerClosed.Dispose();
    }

    private sealed class EndpointHolder(UdpEndpoint value)
    {
        public UdpEndpoint Value { get; } = value;
    }
}
