using Oracle.Core.Policy;
using VpnGateway.Control;

namespace VpnGateway.Sessions;

/// <summary>
/// A running session, as metering and operators see it. Each session has its own TUN interface
/// (<see cref="InterfaceName"/>): capturing on it (SharpPcap, no filter needed) sees exactly this session's traffic,
/// as IP packets without link header (DLT_RAW). On the provider, outbound packets appear there only after the policy
/// let them through; inbound packets appear before the policy looks at them (the denied ones are reported through
/// <see cref="IPolicyDenialSink"/> with <see cref="TrafficDirection.Inbound"/>). TCP may appear as segments of up to
/// 64 KB (the device runs with TSO/GRO offloads), so count bytes from the IP length, not packets.
/// </summary>
public sealed class GatewaySession
{
    internal GatewaySession(ulong sessionId, GatewayRole role, string? clientAddress, string interfaceName,
        IReadOnlyList<IpPrefix> clientPrefixes, IReadOnlyList<IpPrefix> gatewayAddresses, string? policyHash, IControlChannel control, DateTimeOffset startedAt)
    {
        SessionId = sessionId;
        Role = role;
        ClientAddress = clientAddress;
        InterfaceName = interfaceName;
        ClientPrefixes = clientPrefixes;
        GatewayAddresses = gatewayAddresses;
        PolicyHash = policyHash;
        Control = control;
        StartedAt = startedAt;
    }

    /// <summary>The session id (the SessionManager's number, or the configured one of a pinned session).</summary>
    public ulong SessionId { get; }

    /// <summary>Which end this gateway is.</summary>
    public GatewayRole Role { get; }

    /// <summary>The client's Ethereum address (checksummed), or null for a key-pinned session without one.</summary>
    public string? ClientAddress { get; }

    /// <summary>The TUN interface carrying the session's traffic (in this gateway's network namespace).</summary>
    public string InterfaceName { get; }

    /// <summary>The client side's addresses: its tunnel address (a host prefix) and, site-to-site, its LAN prefixes.</summary>
    public IReadOnlyList<IpPrefix> ClientPrefixes { get; }

    /// <summary>The provider gateway's tunnel address(es) for this session.</summary>
    public IReadOnlyList<IpPrefix> GatewayAddresses { get; }

    /// <summary>The policy hash (0x-prefixed hex) the provider enforces, or null on a client that was not told.</summary>
    public string? PolicyHash { get; }

    /// <summary>The session's control channel.</summary>
    public IControlChannel Control { get; }

    /// <summary>When the session's first handshake completed.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>
    /// The session's policy document: on the provider the one it enforces; on a client the one its SessionInfo carried,
    /// when its hash is the session's (null when the client was not told, or was told another).
    /// </summary>
    public PolicyDocument? Policy { get; init; }

    /// <summary>The provider's evaluation context of the policy (its protected networks, docs/protocol.md §6.3), as declared in SessionInfo.</summary>
    public PolicyContext? PolicyContext { get; init; }
}
