using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using VpnGateway.Sessions;
using VpnGateway.Transport;
using VpnGateway.Tun;

namespace VpnGateway.Tunnel;

/// <summary>
/// What both ends share: the receive thread (batches of datagrams → decrypt → policy → batched TUN writes), one TUN
/// thread per session (batches of packets → policy → encrypt → batched sends), the handshake worker and the timers.
/// The provider (<see cref="GatewayServer"/>) answers handshakes; the client (<see cref="GatewayClient"/>) starts them.
/// </summary>
internal abstract partial class TunnelEngine : IAsyncDisposable
{
    private const int HandshakeQueueCapacity = 1024;

    private readonly ConcurrentDictionary<uint, Keypair> _keypairs = new();
    private readonly ConcurrentDictionary<ulong, TunnelSession> _sessions = new();
    private readonly Channel<HandshakeItem> _handshakes;
    private readonly CancellationTokenSource _stopping = new();
    private readonly DatagramBatch _receiveBatch;
    private Thread? _receiveThread;
    private Task? _handshakeWorker;
    private Task? _timerLoop;
    private int _disposed;
    private bool _shuttingDown;

    protected TunnelEngine(EngineServices services, TunnelOptions options, GatewayRole role)
    {
        Services = services;
        Options = options;
        Role = role;
        Time = services.Time;
        Logger = services.LoggerFactory.CreateLogger(GetType());
        _receiveBatch = new DatagramBatch(options.ReceiveMessages, options.ReceiveMessages * (DatagramBatch.BufferSize / 32));
        _handshakes = Channel.CreateBounded<HandshakeItem>(new BoundedChannelOptions(HandshakeQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.DropWrite,
        });
        _touched = new TunnelSession[64];
    }

    public GatewayRole Role { get; }

    public DropCounters Drops { get; } = new();

    public IEnumerable<TunnelSession> Sessions => _sessions.Values;

    /// <summary>Handshakes completed (accepted or initiated) since start.</summary>
    public long HandshakesCompleted => Interlocked.Read(ref _handshakesCompleted);

    protected EngineServices Services { get; }

    protected TunnelOptions Options { get; }

    protected TimeProvider Time { get; }

    protected ILogger Logger { get; }

    protected CancellationToken StoppingToken => _stopping.Token;

    /// <summary>Whether the engine is shutting down (no new sessions or handshakes).</summary>
    protected bool ShuttingDown => Volatile.Read(ref _shuttingDown);

    protected int HandshakeBacklog => _handshakes.Reader.Count;

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

    /// <summary>Starts the receive thread, the handshake worker and the timers.</summary>
    public virtual Task StartAsync(CancellationToken cancellationToken)
    {
        _receiveThread = new Thread(ReceiveLoop) { IsBackground = true, Name = "tunnel-receive" };
        _receiveThread.Start();
        _handshakeWorker = Task.Run(() => HandshakeWorkerAsync(_stopping.Token), CancellationToken.None);
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

        foreach (var session in _sessions.Values.ToArray())
        {
            await EndSessionAsync(session, SessionEndReason.Shutdown).ConfigureAwait(false);
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _handshakes.Writer.TryComplete();
        _receiveThread?.Join(TimeSpan.FromSeconds(5));
        await WaitQuietly(_handshakeWorker).ConfigureAwait(false);
        await WaitQuietly(_timerLoop).ConfigureAwait(false);
        await OnStoppedAsync().ConfigureAwait(false);
        Services.Transport.Dispose();
        _stopping.Dispose();
    }

    /// <summary>Undoes what the role set up (NAT, routes) after every session ended.</summary>
    protected virtual ValueTask OnStoppedAsync() => ValueTask.CompletedTask;

    /// <summary>Handles a handshake message on the worker.</summary>
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
        // The receive thread may still hold it for a datagram in flight; AEAD objects are left to the GC rather than
        // disposed under its feet.
    }

    /// <summary>Registers a session, starts its TUN reader and control dispatcher, tells the observers.</summary>
    protected async Task StartSessionAsync(TunnelSession session, GatewaySession info)
    {
        session.Info = info;
        session.PendingWrites = new PacketBatch(_receiveBatch.Buffer, _receiveBatch.Capacity);
        _sessions[session.SessionId] = session;
        foreach (var observer in Services.Observers)
        {
            await CallObserverAsync(() => observer.OnSessionStartedAsync(info, StoppingToken), "start").ConfigureAwait(false);
        }

        session.ControlDispatcher = Task.Run(() => session.Control!.RunDispatcherAsync(session.Stopping.Token), CancellationToken.None);
        var thread = new Thread(() => TunLoop(session)) { IsBackground = true, Name = $"tun-{info.InterfaceName}" };
        session.TunThread = thread;
        thread.Start();
    }

    /// <summary>Stops a session's traffic, tells the observers, removes its device.</summary>
    protected async Task EndSessionAsync(TunnelSession session, SessionEndReason reason)
    {
        lock (session)
        {
            if (session.Ended)
            {
                return;
            }

            session.Ended = true;
        }

        _sessions.TryRemove(new KeyValuePair<ulong, TunnelSession>(session.SessionId, session));
        foreach (var keypair in session.ClearKeys())
        {
            RetireKeypair(keypair);
        }

        session.Control?.Dispose();
        await session.Stopping.CancelAsync().ConfigureAwait(false);
        session.TunThread?.Join(TimeSpan.FromSeconds(5));
        await WaitQuietly(session.ControlDispatcher).ConfigureAwait(false);
        if (session.Info is { } info)
        {
            foreach (var observer in Services.Observers)
            {
                await CallObserverAsync(() => observer.OnSessionEndedAsync(info, reason, CancellationToken.None), "end").ConfigureAwait(false);
            }
        }

        // The receive thread may be writing this session's last batch; the device goes once it moved on.
        await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None).ConfigureAwait(false);
        session.Tun?.Dispose();
        Interlocked.Add(ref _retiredRxBytes, session.RxBytes);
        Interlocked.Add(ref _retiredTxBytes, session.TxBytes);
        Interlocked.Add(ref _retiredRxPackets, session.RxPackets);
        Interlocked.Add(ref _retiredTxPackets, session.TxPackets);
        Logger.LogInformation("session {Session} ended ({Reason}): rx {RxBytes} bytes / {RxPackets} packets, tx {TxBytes} bytes / {TxPackets} packets",
            session.SessionId, reason, session.RxBytes, session.RxPackets, session.TxBytes, session.TxPackets);
        session.Dispose();
    }

    private async Task CallObserverAsync(Func<ValueTask> call, string what)
    {
        try
        {
            await call().AsTask().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Logger.LogError(e, "session observer failed at session {What}", what);
        }
    }

    private async Task HandshakeWorkerAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var item in _handshakes.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (ShuttingDown)
                {
                    continue;
                }

                try
                {
                    await HandleHandshakeAsync(item.Message, item.Source, cancellationToken).ConfigureAwait(false);
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
