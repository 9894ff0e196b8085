using VpnGateway.Crypto;
using VpnGateway.Tunnel;

namespace Oracle.ScaleBench;

/// <summary>One session of the swarm: its keys, the handshake in flight, and the transport keys it got.</summary>
internal sealed class SwarmClient(ulong sessionId, TunnelKeyPair key, SignedTunnelAuthorization? authorization = null) : IDisposable
{
    public ulong SessionId { get; } = sessionId;

    public TunnelKeyPair Key { get; } = key;

    /// <summary>The client's TunnelAuthorization signed with its Ethereum key (on-chain sessions; null: a pinned session).</summary>
    public SignedTunnelAuthorization? Authorization { get; } = authorization;

    public Lock Gate { get; } = new();

    /// <summary>The handshake in flight (null: none).</summary>
    public InitiatorHandshake? Pending { get; set; }

    /// <summary>When the first initiation of the handshake in flight was sent (Stopwatch timestamp).</summary>
    public long Started { get; set; }

    /// <summary>When the last initiation was sent (Stopwatch timestamp).</summary>
    public long LastSent { get; set; }

    public int Attempts { get; set; }

    /// <summary>Retries a cookie reply asked for (not counted in <see cref="Attempts"/>, up to as many).</summary>
    public int CookieRetries { get; set; }

    public byte[]? LastTimestamp { get; set; }

    public byte[]? Cookie { get; set; }

    /// <summary>Completed with the handshake's latency in milliseconds (NaN: refused).</summary>
    public TaskCompletionSource<double>? Done { get; set; }

    public TransportAead? Sender { get; set; }

    public uint RemoteIndex { get; set; }

    public ulong Counter { get; set; }

    /// <summary>The tunnel addresses the provider gave (IPv4, as numbers).</summary>
    public uint Address { get; set; }

    public uint Gateway { get; set; }

    public void Dispose()
    {
        Pending?.Dispose();
        Sender?.Dispose();
        Key.Dispose();
    }
}
