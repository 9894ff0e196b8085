using System.Net;
using Oracle.Core.Policy;
using VpnGateway.Crypto;

namespace VpnGateway.Tunnel;

/// <summary>The client's identity, its provider and what it routes through the tunnel.</summary>
internal sealed class ClientOptions
{
    public required TunnelKeyPair TunnelKey { get; init; }

    public required byte[] ProviderKey { get; init; }

    public required IPEndPoint ProviderEndpoint { get; init; }

    public required ulong SessionId { get; init; }

    /// <summary>Produces the TunnelAuthorization proof (null for a key-pinned session without Ethereum identity).</summary>
    public ITunnelAuthorizationSource? Authorization { get; init; }

    /// <summary>The client's Ethereum address when it proves one (shown in the status), else null.</summary>
    public string? ClientAddress { get; init; }

    /// <summary>Prefixes routed into the tunnel (0.0.0.0/0: everything).</summary>
    public IReadOnlyList<IpPrefix> Routes { get; init; } = [];

    /// <summary>
    /// No routes were configured (everything through the tunnel): besides <see cref="Routes"/> (0.0.0.0/0), ::/0 goes
    /// into the tunnel too when the provider gives the session an IPv6 tunnel address.
    /// </summary>
    public bool RouteEverything { get; init; }

    public string InterfacePattern { get; init; } = "orc%d";

    /// <summary>This host's own networks (its addresses and connected subnets): the provider may not assign tunnel addresses there.</summary>
    public IReadOnlyList<IpPrefix> LocalNetworks { get; init; } = [];

    /// <summary>
    /// Initiations sent before the first connect gives up. The retries a busy provider asks for with a cookie reply do
    /// not count (up to as many again).
    /// </summary>
    public int ConnectAttempts { get; init; } = 3;
}
