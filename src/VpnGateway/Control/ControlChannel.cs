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
/// What the channel holds for its dispatcher (messages queued or being handled, and the one being reassembled) is
/// bounded by <see cref="MaxInboxMessages"/> and <see cref="MaxInboxBytes"/>: when a data frame does not fit, it is
/// refused like an out-of-order one (not acknowledged), so the peer's window stalls and it retransmits later; once the
/// dispatcher has drained the inbox to half, an ack flagged <see cref="FlagResume"/> asks the peer to retransmit at once.
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

    /// <summary>On an ack-only frame: the sender refused data for a full inbox and has room again; retransmit now.</summary>
    public const byte FlagResume = 2;

    /// <summary>The most messages held for the dispatcher (queued or being handled).</summary>
    public const int MaxInboxMessages = 256;

    /// <summary>
    /// The most payload bytes held for the dispatcher (queued or being handled) plus the message being reassembled:
    /// 32 MiB, twice the largest message, so one message of any size always fits into an empty inbox.
    /// </summary>
    public const long MaxInboxBytes = 32L << 20;

    private static readonly TimeSpan InitialRetransmitTimeout = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan MaxRetransmitTimeout = TimeSpan.FromSeconds(5);

    // A peer's resume requests trigger at most one retransmission of the window per interval (they cost it 36 bytes each).
    private static readonly TimeSpan MinResumeInterval = TimeSpan.FromMilliseconds(100);

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
    private int _inboxMessages;
    private long _inboxBytes;
    private bool _refusing;
    private long _lastResume;
    private long _inboxRefusals;
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

    /// <summary>Messages held for the dispatcher: queued or being handled (at most <see cref="MaxInboxMessages"/>).</summary>
    public int InboxMessages
    {
        get
        {
            lock (_lock)
            {
                return _inboxMessages;
            }
        }
    }

    /// <summary>Bytes held for the dispatcher, with the message being reassembled (at most <see cref="MaxInboxBytes"/>).</summary>
    public long InboxBytes
    {
        get
        {
            lock (_lock)
            {
                return _inboxBytes + _assembly.WrittenCount;
            }
        }
    }

    /// <summary>
    /// Data frames refused because the inbox was full: the next expected one, each time it arrives (the rest of the
    /// peer's window is dropped as out of order); the peer retransmits them.
    /// </summary>
    public long InboxRefusals => Interlocked.Read(ref _inboxRefusals);

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
                await DispatchAsync(message, cancellationToken);
                Dispatched(message.Payload.Length);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async ValueTask DispatchAsync(ControlMessage message, CancellationToken cancellationToken)
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
            return;
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

    // A message was handled: its room is free again. After refusing data, the peer is asked to resume once the inbox is
    // down to half (so the window it then retransmits fits).
    private void Dispatched(int length)
    {
        lock (_lock)
        {
            _inboxMessages--;
            _inboxBytes -= length;
            if (_refusing && !_closed && _inboxMessages <= MaxInboxMessages / 2 && _inboxBytes + _assembly.WrittenCount <= MaxInboxBytes / 2)
            {
                _refusing = false;
                SendAckLocked(FlagResume);
            }
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
