using System.Net;
using Oracle.Core.Policy;

namespace VpnGateway.Network;

/// <summary>
/// Addresses, routes, forwarding and NAT around the TUN devices. What a device owns (its addresses and routes) goes
/// away with it; a session's routes on the provider's shared device are removed when the session ends; everything else
/// is undone by disposing what the methods return.
/// </summary>
internal interface INetworkConfigurator
{
    /// <summary>Gives <paramref name="device"/> the point-to-point address <paramref name="local"/> towards <paramref name="peer"/>.</summary>
    Task AddAddressAsync(string device, IPAddress local, IPAddress peer, CancellationToken cancellationToken);

    /// <summary>
    /// Gives <paramref name="device"/> the address <paramref name="address"/> with the on-link prefix
    /// <paramref name="prefixLength"/> (the provider's shared device: its tunnel address, and the pool routed into it).
    /// </summary>
    Task AddPrefixAddressAsync(string device, IPAddress address, int prefixLength, CancellationToken cancellationToken);

    /// <summary>Routes <paramref name="prefix"/> into <paramref name="device"/> (replacing a route of the same prefix).</summary>
    Task AddRouteAsync(string device, IpPrefix prefix, CancellationToken cancellationToken);

    /// <summary>Removes the route of <paramref name="prefix"/> into <paramref name="device"/> (nothing when there is none).</summary>
    Task RemoveRouteAsync(string device, IpPrefix prefix, CancellationToken cancellationToken);

    /// <summary>Keeps <paramref name="endpoint"/> on its current route (so tunnel datagrams do not loop into the tunnel).</summary>
    Task<IAsyncDisposable> PinEndpointRouteAsync(IPAddress endpoint, CancellationToken cancellationToken);

    /// <summary>
    /// Turns on forwarding (of <paramref name="pool"/>'s family, and IPv6 too with <paramref name="alsoIPv6"/>) and, when
    /// <paramref name="masquerade"/>, NAT of <paramref name="pool"/> behind <paramref name="uplink"/> (any interface if null).
    /// </summary>
    Task<IAsyncDisposable> EnableForwardingAsync(string tableName, IpPrefix pool, string devicePrefix, string? uplink, bool masquerade, CancellationToken cancellationToken,
        bool alsoIPv6 = false);
}
