using System.Net.NetworkInformation;
using System.Net.Sockets;
using Oracle.Core.Policy;

namespace VpnGateway.Hosting;

/// <summary>The provider's protected networks: configured LAN prefixes, the host's own addresses, its connected subnets.</summary>
internal static class ProviderNetworks
{
    public static List<IpPrefix> Discover(IEnumerable<string> configured, bool connectedSubnets, string tunnelInterfacePrefix)
    {
        var result = new List<IpPrefix>();
        foreach (var text in configured)
        {
            result.Add(IpPrefix.Parse(text));
        }

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

        return result;
    }

    private static void Add(List<IpPrefix> list, IpPrefix prefix)
    {
        if (!list.Contains(prefix))
        {
            list.Add(prefix);
        }
    }
}
