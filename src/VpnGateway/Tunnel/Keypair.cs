using VpnGateway.Crypto;

namespace VpnGateway.Tunnel;

/// <summary>
/// The transport keys of one handshake: one AEAD per direction, the local index the peer addresses us by, the peer's
/// index, the send counter and the replay window. Sealing is serialised by <see cref="SendLock"/> (the session's TUN
/// thread and the timer thread both send); opening and the replay window are serialised by <see cref="ReceiveLock"/>.
/// </summary>
internal sealed class Keypair : IDisposable
{
    private long _sendCounter;
    private long _received;

    public Keypair(TunnelSession session, uint localIndex, uint remoteIndex, CipherSuite suite, ReadOnlySpan<byte> sendKey, ReadOnlySpan<byte> receiveKey, bool isInitiator, long created)
    {
        Session = session;
        LocalIndex = localIndex;
        RemoteIndex = remoteIndex;
        Suite = suite;
        Sender = TransportAead.Create(suite, sendKey);
        Receiver = TransportAead.Create(suite, receiveKey);
        IsInitiator = isInitiator;
        Created = created;
    }

    public TunnelSession Session { get; }

    public uint LocalIndex { get; }

    public uint RemoteIndex { get; }

    public CipherSuite Suite { get; }

    public TransportAead Sender { get; }

    public TransportAead Receiver { get; }

    public ReplayWindow Replay { get; } = new();

    public bool IsInitiator { get; }

    /// <summary>When the keys were derived (TimeProvider timestamp).</summary>
    public long Created { get; }

    public Lock SendLock { get; } = new();

    /// <summary>Serialises opening and the replay window (one receive worker per peer; two only while it roams).</summary>
    public Lock ReceiveLock { get; } = new();

    public ulong MessagesSent => (ulong)Interlocked.Read(ref _sendCounter);

    public ulong MessagesReceived => (ulong)Interlocked.Read(ref _received);

    /// <summary>Reserves <paramref name="count"/> consecutive counters; returns the first.</summary>
    public ulong ReserveCounters(int count) => (ulong)(Interlocked.Add(ref _sendCounter, count) - count);

    public void CountReceived() => Interlocked.Increment(ref _received);

    public void Dispose()
    {
        Sender.Dispose();
        Receiver.Dispose();
    }
}
