using System.Numerics;
using Oracle.Core.Policy;

namespace VpnGateway.Metering.Sessions;

/// <summary>What metering needs to know about a session, from the tunnel and the SessionManager.</summary>
/// <param name="SessionId">The session, as numbered by the SessionManager.</param>
/// <param name="InterfaceName">The session's TUN interface on this gateway (captured), or null when packets are fed directly.</param>
/// <param name="ClientPrefixes">The client side's addresses (its tunnel address, or its LAN prefixes site-to-site).</param>
/// <param name="ClientAddress">
/// The client's Ethereum address: the voucher signer. Null on a provider session pinned to a tunnel key without one:
/// then no voucher can be checked, none is waited for, and nobody is cut off.
/// </param>
/// <param name="GatewayAddress">The provider gateway's Ethereum address: the checkpoint signer.</param>
/// <param name="PricePerMiB">The session's price: VPN token base units per MiB carried (<see cref="Oracle.Core.Evidence.VoucherPricing"/>).</param>
public sealed record MeteredSession(
    ulong SessionId,
    string? InterfaceName,
    IReadOnlyList<IpPrefix> ClientPrefixes,
    string? ClientAddress,
    string GatewayAddress,
    BigInteger PricePerMiB)
{
    /// <summary>The session's policy (provider: enforced; client: from SessionInfo, checked against the session's hash), or null when unknown.</summary>
    public PolicyDocument? Policy { get; init; }

    /// <summary>Whether the session is a SessionManager session, settled on-chain (a pinned link is not).</summary>
    public bool OnChain { get; init; }

    /// <summary>The provider's evaluation context as declared in SessionInfo (docs/protocol.md §6.3), or null when unknown.</summary>
    public PolicyContext? PolicyContext { get; init; }
}
