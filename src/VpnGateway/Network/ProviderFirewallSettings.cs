using Oracle.Core.Policy;

namespace VpnGateway.Network;

/// <summary>What the provider's nftables table enforces around its tunnel devices (see <see cref="ProviderFirewall"/>).</summary>
internal sealed record ProviderFirewallSettings
{
    /// <summary>The table's name (one per gateway process: <c>oracle_gw_&lt;pid&gt;</c>).</summary>
    public required string TableName { get; init; }

    /// <summary>The tunnel address pool: clients' tunnel addresses, which take no new connections from outside.</summary>
    public required IpPrefix Pool { get; init; }

    /// <summary>The tunnel devices' name prefix (<c>ogw</c>).</summary>
    public required string DevicePrefix { get; init; }

    /// <summary>Forward session traffic (exit, site-to-site); off: nothing is forwarded from or to a tunnel device.</summary>
    public bool Forward { get; init; }

    /// <summary>Masquerade the pool behind the uplink (or any interface).</summary>
    public bool Masquerade { get; init; }

    /// <summary>The uplink: traffic from the tunnels leaves only through it, unless to an exported network (null: any interface).</summary>
    public string? Uplink { get; init; }

    /// <summary>Every prefix some policy of this gateway exports (site-to-site LANs reached through other interfaces).</summary>
    public IReadOnlyList<IpPrefix> Exports { get; init; } = [];
}
