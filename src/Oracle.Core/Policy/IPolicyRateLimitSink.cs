namespace Oracle.Core.Policy;

/// <summary>
/// Receives every packet the session's rate limit (<see cref="RateLimit"/>) dropped in the data path. These are not
/// violations: they never become denied records and carry no rule id. Metering needs them all the same: a packet the
/// provider's capture counted before the rate limit dropped it was never carried, so it must not be billed or
/// claimed as delivered (docs/protocol.md §5.2).
/// </summary>
/// <remarks>Called on the packet path: implementations copy what they need and return at once; they never block or allocate.</remarks>
public interface IPolicyRateLimitSink
{
    /// <summary>A packet of session <paramref name="sessionId"/> was dropped by the session's rate limit.</summary>
    /// <param name="sessionId">The session, as numbered by the SessionManager.</param>
    /// <param name="ipPacket">The IP packet (IPv4 or IPv6, starting at the IP header); valid only during the call.</param>
    /// <param name="direction">Which way it was going.</param>
    /// <param name="unixTimeMilliseconds">When it was seen.</param>
    void OnRateLimited(ulong sessionId, ReadOnlySpan<byte> ipPacket, TrafficDirection direction, long unixTimeMilliseconds);
}
