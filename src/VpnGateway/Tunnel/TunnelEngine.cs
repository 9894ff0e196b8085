using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using VpnGateway.Control;
using VpnGateway.Sessions;
using VpnGateway.Transport;
using VpnGateway.Tun;

namespace VpnGateway.Tunnel;

/// <summary>
/// What both ends share: the receive thread (batches of datagrams → decrypt → policy → batched TUN writes), one TUN
/// thread per session (batches of packets → policy → encrypt → batched sends), the handshake worker and the timers.
/// The provider (<see cref="GatewayServer"/>) answers handshakes; the client (<see cref="GatewayClient"/>) starts them.
/// </summary>
internal abstract partial class TunnelEngine : IAsyncDisposable, ISessionTerminator
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

        // Every session ends at once (each bounded by the ending timeout), so a shutdown takes one ending, not one per session.
        var endings = new List<Task>();
        foreach (var session in _sessions.Values)
        {
            endings.Add(Task.Run(() => EndSessionAsync(session, SessionEndReason.Shutdown, "the gateway is shutting down"), CancellationToken.None));
        }

        await Task.WhenAll(endings).ConfigureAwait(false);
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

    /// <summary>A session terminated on purpose must not come back (<see cref="Terminate"/>); the provider refuses its handshakes.</summary>
    protected virtual void RefuseReconnection(TunnelSession session, string reason)
    {
    }

    /// <summary>A session was torn down (its device is gone).</summary>
    protected virtual void OnSessionRemoved(TunnelSession session)
    {
    }

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

    private async Task HandshakeWorkerAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var item in _handshakes.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                // While shutting down, handshakes still renew the keys of ending sessions (their last control exchange);
                // the roles refuse to start new sessions.
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
