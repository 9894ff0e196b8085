using System.Net.NetworkInformation;
using System.Net.Sockets;
using Oracle.Core.Policy;

namespace VpnGateway.Hosting;

/// <summary>
/// The provider's protected networks: the special-purpose ranges that only ever mean "this host or its link",
/// configured LAN prefixes, the host's own addresses, its connected subnets.
/// </summary>
internal static class ProviderNetworks
{
    /// <summary>
    /// Destinations that are never the internet, whatever the host's interfaces: "this network" and limited broadcast
    /// (0.0.0.0/8, 255.255.255.255 in 240.0.0.0/4), loopback, link-local (a cloud's metadata service at
    /// 169.254.169.254), multicast; IPv6 unspecified, loopback, link-local and multicast. A tunnel packet to one of
    /// them would reach the provider host's sockets or its link, never an exit destination.
    /// </summary>
    public static readonly IReadOnlyList<IpPrefix> SpecialPurpose =
    [
        IpPrefix.Parse("0.0.0.0/8"), IpPrefix.Parse("127.0.0.0/8"), IpPrefix.Parse("169.254.0.0/16"),
        IpPrefix.Parse("224.0.0.0/4"), IpPrefix.Parse("240.0.0.0/4"),
        IpPrefix.Parse("::/128"), IpPrefix.Parse("::1/128"), IpPrefix.Parse("fe80::/10"), IpPrefix.Parse("ff00::/8"),
    ];

    public static List<IpPrefix> Discover(IEnumerable<string> configured, bool connectedSubnets, string tunnelInterfacePrefix)
    {
        var result = new List<IpPrefix>(SpecialPurpose);
        foreach (var text in configured)
        {
            Add(result, IpPrefix.Parse(text));
        }

        AddInterfaces(result, connectedSubnets, tunnelInterfacePrefix);
        return result;
    }

    /// <summary>The client's own networks (its addresses and connected subnets), which a provider's tunnel addresses must stay out of.</summary>
    public static List<IpPrefix> Local(string tunnelInterfacePrefix)
    {
        var result = new List<IpPrefix>();
        AddInterfaces(result, connectedSubnets: true, tunnelInterfacePrefix);
        return result;
    }

    private static void AddInterfaces(List<IpPrefix> result, bool connectedSubnets, string tunnelInterfacePrefix)
    {
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.Name.StartsWith(tunnelInterfacePrefix, StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
            {
                var address = unicast.Address;
                if (address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6) || address.IsIPv6LinkLocal)
                {
                    continue;
                }

                Add(result, IpPrefix.Host(address));
                var length = unicast.PrefixLength;
                if (connectedSubnets && length > 0 && nic.NetworkInterfaceType != NetworkInterfaceType.Loopback)
                {
                    Add(result, IpPrefix.Create(address, length));
                }
            }
        }
    }

    private static void Add(List<IpPrefix> list, IpPrefix prefix)
    {
        if (!list.Contains(prefix))
        {
            list.Add(prefix);
        }
    }
}
