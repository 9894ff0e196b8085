using Oracle.Core.Policy;

namespace VpnGateway.Network;

/// <summary>
/// A session's entries in the provider's firewall, added when it starts and removed when it ends, without rebuilding
/// the ruleset: the prefixes a running session's packets may come from (its tunnel addresses and routed LANs).
/// </summary>
internal interface ISessionFirewall
{
    /// <summary>Lets packets from <paramref name="prefixes"/> in through the tunnel device.</summary>
    Task AllowSourcesAsync(IReadOnlyCollection<IpPrefix> prefixes, CancellationToken cancellationToken);

    /// <summary>Takes <paramref name="prefixes"/> out again (packets from them are dropped by the kernel from now on).</summary>
    Task RevokeSourcesAsync(IReadOnlyCollection<IpPrefix> prefixes, CancellationToken cancellationToken);
}
