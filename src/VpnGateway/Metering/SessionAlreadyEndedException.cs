namespace VpnGateway.Metering;

/// <summary>
/// A session that already ended on this gateway is not metered again: its evidence log and the client's cumulative
/// vouchers would start over from zero. The client opens a new session on-chain instead.
/// </summary>
public sealed class SessionAlreadyEndedException(ulong sessionId, DateTimeOffset endedAt)
    : InvalidOperationException(Describe(sessionId, endedAt))
{
    /// <summary>The reason given to the client whose handshake is refused, and this exception's message.</summary>
    public static string Describe(ulong sessionId, DateTimeOffset endedAt) => $"session {sessionId} ended on this gateway at {endedAt:u}; open a new session";

    /// <summary>The session.</summary>
    public ulong SessionId { get; } = sessionId;

    /// <summary>When it ended.</summary>
    public DateTimeOffset EndedAt { get; } = endedAt;
}
