using System.Buffers;
using System.Buffers.Binary;
using System.Threading.Channels;

namespace VpnGateway.Control;

/// <summary>
/// Reliable, ordered delivery over the tunnel's unreliable transport: messages are cut into frames of at most one
/// MTU, numbered, sent within a window of <see cref="Window"/> unacknowledged frames, acknowledged cumulatively and
/// retransmitted go-back-N after a timeout that doubles up to <see cref="MaxRetransmitTimeout"/>. Frames out of order
/// are dropped and re-acknowledged. Received messages go to a dispatcher task, so handlers never run on the packet path.
/// Every frame names its sender's channel (an id that grows with each incarnation) and the receiver's channel as the
/// sender knows it: when a peer restarts and keeps the session (a provider gateway restarted on its spool, a client
/// reconnecting before the session idled out), the other side sees a newer channel id, gives up what it had sent to the
/// old one and numbers from 1 again; until the restarted side is known by its peer, the peer's sequence numbers and acks
/// (meant for the old incarnation) are ignored and answered with an ack that introduces the new one. Frames of an older
/// incarnation arriving late are ignored.
/// </summary>
internal sealed partial class ControlChannel : IControlChannel, IDisposable
{
    public const int HeaderSize = 36;
    private const int ChannelOffset = 1;
    private const int PeerOffset = 9;
    private const int SequenceOffset = 17;
    private const int AckOffset = 25;
    private const int FlagsOffset = 33;
    private const int TypeOffset = 34;
    public const int Window = 64;
    public const byte KindAck = 0;
    public const byte KindData = 1;
    public const byte FlagLast = 1;

    private static readonly TimeSpan InitialRetransmitTimeout = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan MaxRetransmitTimeout = TimeSpan.FromSeconds(5);

    private readonly Func<ReadOnlyMemory<byte>, bool> _transmit;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _maxFragment;
    private readonly Lock _lock = new();
    private readonly Queue<Frame> _unsent = new();
    private readonly List<Frame> _inflight = [];
    private readonly Dictionary<ushort, List<Func<ControlMessage, CancellationToken, ValueTask>>> _handlers = [];
    private readonly Channel<ControlMessage> _inbox = Channel.CreateUnbounded<ControlMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ArrayBufferWriter<byte> _assembly = new();
    private readonly ulong _localChannel;
    private ulong _peerChannel;
    private ulong _nextSequence = 1;
    private ulong _expected = 1;
    private ushort _assemblyType;
    private bool _assemblyOverflow;
    private TimeSpan _timeout = InitialRetransmitTimeout;
    private bool _closed;
    private long _unhandled;
    private long _retransmissions;
    private long _peerRestarts;

    /// <param name="sessionId">The session.</param>
    /// <param name="maxFrame">The largest frame (plaintext of one transport message): the tunnel MTU.</param>
    /// <param name="transmit">Seals and sends one frame; false when there is no key to send with yet.</param>
    /// <param name="time">The clock for retransmissions.</param>
    /// <param name="logger">Where handler failures go.</param>
    public ControlChannel(ulong sessionId, int maxFrame, Func<ReadOnlyMemory<byte>, bool> transmit, TimeProvider time, ILogger logger)
    {
        SessionId = sessionId;
        _maxFragment = maxFrame - HeaderSize;
        _transmit = transmit;
        _time = time;
        _logger = logger;

        // Creation time in milliseconds, then 16 random bits: a restarted peer's channel has a greater id.
        _localChannel = ((ulong)time.GetUtcNow().ToUnixTimeMilliseconds() << 16) | (uint)Random.Shared.Next(1, 1 << 16);
    }

    public ulong SessionId { get; }

    public bool IsOpen => !Volatile.Read(ref _closed);

    /// <summary>Messages that arrived for a type nobody subscribed to.</summary>
    public long Unhandled => Interlocked.Read(ref _unhandled);

    public long Retransmissions => Interlocked.Read(ref _retransmissions);

    /// <summary>How often the peer's channel was replaced by a newer incarnation (the peer restarted).</summary>
    public long PeerRestarts => Interlocked.Read(ref _peerRestarts);

    /// <summary>This channel's id (its incarnation).</summary>
    public ulong LocalChannel => _localChannel;

    public ValueTask<ControlSendResult> SendAsync(ushort messageType, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        if (messageType == 0 || payload.Length > ControlMessageTypes.MaxPayloadSize)
        {
            return ValueTask.FromResult(ControlSendResult.Invalid);
        }

        var completion = new TaskCompletionSource<ControlSendResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_closed)
            {
                return ValueTask.FromResult(ControlSendResult.SessionClosed);
            }

            var offset = 0;
            do
            {
                var length = Math.Min(_maxFragment, payload.Length - offset);
                var last = offset + length == payload.Length;
                var data = new byte[HeaderSize + length];
                data[0] = KindData;
                BinaryPrimitives.WriteUInt64BigEndian(data.AsSpan(ChannelOffset), _localChannel);
                data[FlagsOffset] = last ? FlagLast : (byte)0;
                BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(TypeOffset), messageType);
                payload.Span.Slice(offset, length).CopyTo(data.AsSpan(HeaderSize));
                _unsent.Enqueue(new Frame(data, last ? completion : null));
                offset += length;
            }
            while (offset < payload.Length);

            PumpLocked();
        }

        return cancellationToken.CanBeCanceled
            ? new ValueTask<ControlSendResult>(completion.Task.WaitAsync(cancellationToken))
            : new ValueTask<ControlSendResult>(completion.Task);
    }

    public IDisposable Subscribe(ushort messageType, Func<ControlMessage, CancellationToken, ValueTask> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_handlers)
        {
            if (!_handlers.TryGetValue(messageType, out var list))
            {
                _handlers[messageType] = list = [];
            }

            list.Add(handler);
        }

        return new Subscription(this, messageType, handler);
    }

    /// <summary>Runs the handlers until the channel closes (one task per session).</summary>
    public async Task RunDispatcherAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in _inbox.Reader.ReadAllAsync(cancellationToken))
            {
                Func<ControlMessage, CancellationToken, ValueTask>[] handlers;
                lock (_handlers)
                {
                    handlers = _handlers.TryGetValue(message.Type, out var list) ? [.. list] : [];
                }

                if (handlers.Length == 0)
                {
                    Interlocked.Increment(ref _unhandled);
                    _logger.LogDebug("session {Session}: no handler for control message type 0x{Type:x4}", SessionId, message.Type);
                    continue;
                }

                foreach (var handler in handlers)
                {
                    try
                    {
                        await handler(message, cancellationToken);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        _logger.LogError(e, "session {Session}: control message handler for type 0x{Type:x4} failed", SessionId, message.Type);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Ends the channel: pending sends complete with <see cref="ControlSendResult.SessionClosed"/>.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            Volatile.Write(ref _closed, true);
            foreach (var frame in _inflight)
            {
                frame.Completion?.TrySetResult(ControlSendResult.SessionClosed);
            }

            foreach (var frame in _unsent)
            {
                frame.Completion?.TrySetResult(ControlSendResult.SessionClosed);
            }

            _inflight.Clear();
            _unsent.Clear();
        }

        _inbox.Writer.TryComplete();
    }

    private void Unsubscribe(ushort messageType, Func<ControlMessage, CancellationToken, ValueTask> handler)
    {
        lock (_handlers)
        {
            if (_handlers.TryGetValue(messageType, out var list))
            {
                list.Remove(handler);
            }
        }
    }

    private sealed class Frame(byte[] data, TaskCompletionSource<ControlSendResult>? completion)
    {
        /// <summary>Given when the frame is first sent (0 until then), so frames queued across a peer's restart number from 1.</summary>
        public ulong Sequence { get; set; }

        public byte[] Data { get; } = data;

        public TaskCompletionSource<ControlSendResult>? Completion { get; } = completion;

        public long SentAt { get; set; }
    }

    private sealed class Subscription(ControlChannel channel, ushort messageType, Func<ControlMessage, CancellationToken, ValueTask> handler) : IDisposable
    {
        public void Dispose() => channel.Unsubscribe(messageType, handler);
    }
}
