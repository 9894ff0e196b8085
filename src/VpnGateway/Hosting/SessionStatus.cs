namespace VpnGateway.Hosting;

/// <summary>One session in <c>GET /status</c>.</summary>
internal sealed record SessionStatus(ulong SessionId, string? Interface, string? Client, string[] ClientPrefixes, string? Endpoint,
    long RxBytes, long TxBytes, long RxPackets, long TxPackets, double? KeyAgeSeconds, string? PolicyHash, long Denied, long RateLimited);
