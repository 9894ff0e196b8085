using System.Numerics;
using Oracle.Core.Policy;
using VpnGateway.Crypto;

namespace VpnGateway.Tunnel;

/// <summary>The provider gateway's identity and policy settings.</summary>
internal sealed class ServerOptions
{
    public required TunnelKeyPair TunnelKey { get; init; }

    /// <summary>The provider's Ethereum address (sessions must name it), or null when only pinned sessions without one are served.</summary>
    public string? ProviderAddress { get; init; }

    /// <summary>The EIP-712 domain of client authorisations: chain id.</summary>
    public BigInteger ChainId { get; init; }

    /// <summary>The EIP-712 domain of client authorisations: the SessionManager's address.</summary>
    public string? SessionManager { get; init; }

    public required IpPrefix AddressPool { get; init; }

    /// <summary>The IPv6 tunnel address pool (null: IPv4 only inside the tunnel).</summary>
    public IpPrefix? AddressPool6 { get; init; }

    /// <summary>Interface name pattern of the gateway's device.</summary>
    public string InterfacePattern { get; init; } = "ogw%d";

    /// <summary>Workers (queues of the device, UDP sockets, handshake workers): one per core by default, never per session.</summary>
    public int Workers { get; init; } = 1;

    /// <summary>The policy documents this gateway can enforce, by hash (0x-hex).</summary>
    public required IReadOnlyDictionary<string, PolicyDocument> Policies { get; init; }

    /// <summary>The protected networks (LAN prefixes and the host's own addresses).</summary>
    public required IReadOnlyList<IpPrefix> ProviderNetworks { get; init; }

    /// <summary>Handshakes per second per source address, and the burst.</summary>
    public double HandshakesPerSecond { get; init; } = 5;

    public int HandshakeBurst { get; init; } = 10;

    /// <summary>Queued handshakes above which cookies are demanded.</summary>
    public int UnderLoadBacklog { get; init; } = 32;

    public int MaxSessions { get; init; } = 1024;
}
