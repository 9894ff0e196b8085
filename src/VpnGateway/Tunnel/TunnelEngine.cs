using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using VpnGateway.Routing;
using VpnGateway.Sessions;
using VpnGateway.Transport;
using VpnGateway.Tun;

namespace VpnGateway.Tunnel;

/// <summary>
/// What both ends share: a fixed set of workers whatever the number of sessions — one receive worker per UDP socket
/// (batches of datagrams → decrypt → policy → one batched write to the TUN device) and one TUN worker per queue of the
/// device (batches of packets → the session of each by longest-prefix match → policy → encrypt → batched sends) — the
/// handshake workers and the timers. The provider (<see cref="GatewayServer"/>) answers handshakes and carries every
/// session on one multiqueue device; the client (<see cref="GatewayClient"/>) starts them and has a device of its own.
/// </summary>
internal abstract partial class TunnelEngine : IAsyncDisposable, ISessionTerminator
{
    private const int HandshakeQueueCapacity = 1024;

    private readonly ConcurrentDictionary<uint, Keypair> _keypairs = new();
    private readonly ConcurrentDictionary<ulong, TunnelSession> _sessions = new();
    private readonly Channel<HandshakeItem> _handshakes;
    private readonly SemaphoreSlim _handshakeSignal = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly IDatagramTransport[] _transports;
    private readonly ReceiveWorker[] _receivers;
    private readonly Lock _deviceLock = new();
    private volatile ITunDevice[] _queues = [];
    private TunWorker[] _tunWorkers = [];
    private CancellationTokenSource? _deviceStopping;
    private Task[] _handshakeWorkers = [];
    private Task? _timerLoop;
    private int _disposed;
    private bool _shuttingDown;
    private int _sessionCount;

    protected TunnelEngine(EngineServices services, TunnelOptions options, GatewayRole role)
    {
        Services = services;
        Options = options;
        Role = role;
        Time = services.Time;
        Logger = services.LoggerFactory.CreateLogger(GetType());
        _transports = [.. services.Transports ?? [services.Transport]];
        _receivers = new ReceiveWorker[_transports.Length];
        for (var i = 0; i < _receivers.Length; i++)
        {
            _receivers[i] = new ReceiveWorker(i, _transports[i], options.ReceiveMessages);
        }

        _handshakes = Channel.CreateBounded<HandshakeItem>(new BoundedChannelOptions(HandshakeQueueCapacity)
        {
            SingleReader = false,
            FullMode = BoundedChannelFullMode.DropWrite,
        });
    }

    public GatewayRole Role { get; }

    public DropCounters Drops { get; } = new();

    public IEnumerable<TunnelSession> Sessions => _sessions.Values;

    /// <summary>Sessions registered (starting, running or ending).</summary>
    public int SessionCount => Volatile.Read(ref _sessionCount);

    /// <summary>Handshakes completed (accepted or initiated) since start.</summary>
    public long HandshakesCompleted => Interlocked.Read(ref _handshakesCompleted);

    /// <summary>The inner addresses of the sessions: which session a packet read from the TUN device belongs to.</summary>
    internal RouteTable<TunnelSession> Routes { get; } = new();

    protected EngineServices Services { get; }

    protected TunnelOptions Options { get; }

    protected TimeProvider Time { get; }

    protected ILogger Logger { get; }

    protected CancellationToken StoppingToken => _stopping.Token;

    /// <summary>Whether the engine is shutting down (no new sessions or handshakes).</summary>
    protected bool ShuttingDown => Volatile.Read(ref _shuttingDown);

    protected int HandshakeBacklog => _handshakes.Reader.Count;

    /// <summary>How many handshake messages are worked on at once (the provider: one per core; the client: one).</summary>
    protected virtual int HandshakeWorkers => 1;

    /// <summary>
    /// Whether a packet read from the TUN device belongs to the session holding its source address (a swarm of clients
    /// on one device) rather than its destination (the provider: towards a client's address or routed LAN).
    /// </summary>
    protected virtual bool RouteBySource => false;

    /// <summary>The transport handshake answers and control frames go out on (any socket of the port will do).</summary>
    protected IDatagramTransport PrimaryTransport => _transports[0];

    private long _handshakesCompleted;
    private long _retiredRxBytes;
    private long _retiredTxBytes;
    private long _retiredRxPackets;
    private long _retiredTxPackets;

    /// <summary>Totals (rx, tx) over running and ended sessions.</summary>
    public (long Rx, long Tx) TrafficTotals(bool bytes)
    {
        long rx = Interlocked.Read(ref bytes ? ref _retiredRxBytes : ref _retiredRxPackets);
        long tx = Interlocked.Read(ref bytes ? ref _retiredTxBytes : ref _retiredTxPackets);
        foreach (var session in _sessions.Values)
        {
            rx += bytes ? session.RxBytes : session.RxPackets;
            tx += bytes ? session.TxBytes : session.TxPackets;
        }

        return (rx, tx);
    }

    /// <summary>Starts the receive workers, the handshake workers and the timers.</summary>
    public virtual Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var worker in _receivers)
        {
            worker.Thread = new Thread(() => ReceiveLoop(worker)) { IsBackground = true, Name = $"tunnel-receive-{worker.Index}" };
            worker.Thread.Start();
        }

        // Dedicated threads, woken without the thread pool: a pool busy with sessions' start-up (metering, the spool)
        // never delays a handshake.
        _handshakeWorkers = [.. Enumerable.Range(0, Math.Max(1, HandshakeWorkers)).Select(_ => Task.Factory.StartNew(() => HandshakeWorker(_stopping.Token),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))];
        _timerLoop = Task.Run(() => TimerLoopAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Volatile.Write(ref _shuttingDown, true);

        // Every session ends at once (each bounded by the ending timeout), so a shutdown takes one ending, not one per session.
        var endings = new List<Task>();
        foreach (var session in _sessions.Values)
        {
            endings.Add(Task.Run(() => EndSessionAsync(session, SessionEndReason.Shutdown, "the gateway is shutting down"), CancellationToken.None));
        }

        await Task.WhenAll(endings).ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        _handshakes.Writer.TryComplete();
        await StopDeviceAsync(dispose: true).ConfigureAwait(false);
        foreach (var worker in _receivers)
        {
            worker.Thread?.Join(TimeSpan.FromSeconds(5));
        }

        foreach (var worker in _handshakeWorkers)
        {
            await WaitQuietly(worker).ConfigureAwait(false);
        }

        await WaitQuietly(_timerLoop).ConfigureAwait(false);
        await OnStoppedAsync().ConfigureAwait(false);
        foreach (var transport in _transports)
        {
            transport.Dispose();
        }

        _stopping.Dispose();
    }

    /// <summary>Undoes what the role set up (NAT, routes) after every session ended.</summary>
    protected virtual ValueTask OnStoppedAsync() => ValueTask.CompletedTask;

    /// <summary>A session terminated on purpose must not come back (<see cref="Terminate"/>); the provider refuses its handshakes.</summary>
    protected virtual void RefuseReconnection(TunnelSession session, string reason)
    {
    }

    /// <summary>A session was torn down (its keys and routes are gone).</summary>
    protected virtual void OnSessionRemoved(TunnelSession session)
    {
    }

    /// <summary>Handles a handshake message on a handshake worker.</summary>
    protected abstract ValueTask HandleHandshakeAsync(byte[] message, UdpEndpoint source, CancellationToken cancellationToken);

    /// <summary>Role-specific timers.</summary>
    protected abstract void OnTick(long now);

    /// <summary>The current keys of <paramref name="session"/> are unusable (none, expired, or worn out).</summary>
    protected virtual void OnNoKey(TunnelSession session)
    {
    }

    /// <summary>The initiator started using the keys of a handshake this side answered.</summary>
    protected virtual void OnKeysConfirmed(TunnelSession session)
    {
    }

    /// <summary>The session a packet read from the TUN device belongs to (null: none; the packet is dropped).</summary>
    protected virtual TunnelSession? OutgoingSession(ReadOnlySpan<byte> packet) => Routes.LookupPacket(packet, RouteBySource);

    protected TunnelSession? FindSession(ulong sessionId) => _sessions.TryGetValue(sessionId, out var s) ? s : null;

    /// <summary>A fresh random receiver index not in use.</summary>
    protected uint NewIndex()
    {
        while (true)
        {
            var index = BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(4));
            if (index != 0 && !_keypairs.ContainsKey(index))
            {
                return index;
            }
        }
    }

    protected void RegisterKeypair(Keypair keypair)
    {
        _keypairs[keypair.LocalIndex] = keypair;
        Interlocked.Increment(ref _handshakesCompleted);
    }

    protected void RetireKeypair(Keypair? keypair)
    {
        if (keypair is null)
        {
            return;
        }

        _keypairs.TryRemove(keypair.LocalIndex, out _);
        // A worker may still hold it for a datagram in flight; AEAD objects are left to the GC rather than disposed under
        // its feet.
    }

    /// <summary>Queues a handshake message for the workers; false (and counted) when the queue is full.</summary>
    protected bool EnqueueHandshake(byte[] message, UdpEndpoint source)
    {
        if (_handshakes.Reader.Count >= HandshakeQueueCapacity || !_handshakes.Writer.TryWrite(new HandshakeItem(message, source)))
        {
            Drops.Add(DropReason.HandshakeQueueFull);
            return false;
        }

        _handshakeSignal.Release();
        return true;
    }

    private void HandshakeWorker(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                _handshakeSignal.Wait(cancellationToken);
                if (!_handshakes.Reader.TryRead(out var item))
                {
                    continue;
                }

                // While shutting down, handshakes still renew the keys of ending sessions (their last control exchange);
                // the roles refuse to start new sessions.
                try
                {
                    var handled = HandleHandshakeAsync(item.Message, item.Source, cancellationToken);
                    if (handled.IsCompletedSuccessfully)
                    {
                        continue;
                    }

                    handled.AsTask().GetAwaiter().GetResult();
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Drops.Add(DropReason.HandshakeInvalid);
                    Logger.LogError(e, "handshake from {Source} failed", item.Source);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private static async Task WaitQuietly(Task? task)
    {
        if (task is null)
        {
            return;
        }

        try
        {
            await task.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
        }
    }

    private readonly record struct HandshakeItem(byte[] Message, UdpEndpoint Source);
}
