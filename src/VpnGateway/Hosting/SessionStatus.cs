namespace VpnGateway.Hosting;

/// <summary>One session in <c>GET /status</c>; the same meaning on both sides.</summary>
/// <param name="Client">The client's Ethereum account (proven in the handshake; null for a session pinned to a tunnel key).</param>
/// <param name="ClientPrefixes">The client side of the tunnel: its tunnel address and, site-to-site, its routed LANs.</param>
/// <param name="Endpoint">The peer's UDP endpoint (on a provider the client's, on a client the provider's).</param>
internal sealed record SessionStatus(ulong SessionId, string? Interface, string? Client, string[] ClientPrefixes, string? Endpoint,
    long RxBytes, long TxBytes, long RxPackets, long TxPackets, double? KeyAgeSeconds, string? PolicyHash, long Denied, long RateLimited);
