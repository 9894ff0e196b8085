using System.Net;
using Oracle.Core.Policy;

namespace VpnGateway.Network;

/// <summary>
/// Addresses, routes, forwarding and NAT around the TUN devices. What a device owns (its addresses and routes) goes
/// away with it; everything else is undone by disposing what the methods return.
/// </summary>
internal interface INetworkConfigurator
{
    /// <summary>Gives <paramref name="device"/> the point-to-point address <paramref name="local"/> towards <paramref name="peer"/>.</summary>
    Task AddAddressAsync(string device, IPAddress local, IPAddress peer, CancellationToken cancellationToken);

    /// <summary>Routes <paramref name="prefix"/> into <paramref name="device"/>.</summary>
    Task AddRouteAsync(string device, IpPrefix prefix, CancellationToken cancellationToken);

    /// <summary>Keeps <paramref name="endpoint"/> on its current route (so tunnel datagrams do not loop into the tunnel).</summary>
    Task<IAsyncDisposable> PinEndpointRouteAsync(IPAddress endpoint, CancellationToken cancellationToken);

    /// <summary>Turns on forwarding and, when <paramref name="masquerade"/>, NAT of <paramref name="pool"/> behind <paramref name="uplink"/> (any interface if null).</summary>
    Task<IAsyncDisposable> EnableForwardingAsync(string tableName, IpPrefix pool, string devicePrefix, string? uplink, bool masquerade, CancellationToken cancellationToken);
}
