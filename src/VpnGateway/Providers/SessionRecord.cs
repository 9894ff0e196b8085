using Oracle.Core.Policy;

namespace VpnGateway.Providers;

/// <summary>The facts of a session that the gateway checks in the handshake.</summary>
/// <param name="SessionId">The session id.</param>
/// <param name="Client">The client's Ethereum address (checksummed), or null for a pinned session identified only by its tunnel key.</param>
/// <param name="Provider">The provider's Ethereum address, or null when the pinned configuration does not name one.</param>
/// <param name="PolicyHash">Keccak-256 of the session's policy document (32 bytes).</param>
/// <param name="IsOpen">Whether the session is open (funded, not closed or expired).</param>
/// <param name="ClientTunnelKey">Pinned sessions only: the only tunnel key the client may use (then no Ethereum proof is needed).</param>
/// <param name="ClientRoutes">Pinned site-to-site sessions only: the client's LAN prefixes the gateway routes to it.</param>
/// <param name="ClientTunnelAddress">Pinned sessions only: a fixed tunnel address for the client.</param>
/// <param name="Renewal">Pinned links only: whether the link continues in a successor session after one ended.</param>
public sealed record SessionRecord(
    ulong SessionId,
    string? Client,
    string? Provider,
    byte[] PolicyHash,
    bool IsOpen,
    byte[]? ClientTunnelKey = null,
    IReadOnlyList<IpPrefix>? ClientRoutes = null,
    System.Net.IPAddress? ClientTunnelAddress = null,
    SessionRenewal Renewal = SessionRenewal.None)
{
    /// <summary>
    /// The id of generation <paramref name="generation"/> of pinned link <paramref name="link"/>: the generation in the
    /// high 32 bits, the link's configured id in the low 32 (generation 0 is the configured id itself).
    /// </summary>
    public static ulong GenerationId(ulong link, ulong generation) => (generation << 32) | (link & uint.MaxValue);

    /// <summary>The link and generation of a session id (see <see cref="GenerationId"/>).</summary>
    public static (ulong Link, ulong Generation) SplitGeneration(ulong sessionId) => (sessionId & uint.MaxValue, sessionId >> 32);
}
