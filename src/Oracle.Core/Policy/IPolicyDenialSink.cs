namespace Oracle.Core.Policy;

/// <summary>
/// Receives every packet the session's policy denied in the data path, so that metering records it as an attempted
/// violation (with the rule id) even though the packet itself was dropped.
/// </summary>
/// <remarks>Called on the packet path: implementations copy what they need and return at once; they never block.</remarks>
public interface IPolicyDenialSink
{
    /// <summary>A packet of session <paramref name="sessionId"/> was denied by rule <paramref name="ruleId"/>.</summary>
    /// <param name="sessionId">The session, as numbered by the SessionManager.</param>
    /// <param name="ipPacket">The IP packet (IPv4 or IPv6, starting at the IP header); valid only during the call.</param>
    /// <param name="ruleId">The policy rule that denied it.</param>
    /// <param name="direction">Which way it was going.</param>
    /// <param name="unixTimeMilliseconds">When it was seen.</param>
    void OnDenied(ulong sessionId, ReadOnlySpan<byte> ipPacket, uint ruleId, TrafficDirection direction, long unixTimeMilliseconds);
}
