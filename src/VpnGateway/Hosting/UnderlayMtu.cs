using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace VpnGateway.Hosting;

/// <summary>What the network under the tunnel carries, and what that leaves for the tunnel's packets.</summary>
internal static class UnderlayMtu
{
    /// <summary>The smallest tunnel MTU.</summary>
    public const int MinimumTunnelMtu = Tunnel.TunnelOptions.MinimumMtu;

    /// <summary>UDP (8) and the transport header and tag (32) around every tunnel packet, plus the IP header.</summary>
    public static int Overhead(bool ipv6) => (ipv6 ? 40 : 20) + 8 + 32;

    /// <summary>
    /// The largest MTU of an interface a gateway listening on <paramref name="listen"/> can use (the interface holding
    /// the address, or the largest of the host's up interfaces for a wildcard), tunnel devices and loopback excepted;
    /// null when none is up.
    /// </summary>
    public static int? OfListenAddress(IPAddress listen, string tunnelInterfacePrefix)
    {
        var any = listen.Equals(IPAddress.Any) || listen.Equals(IPAddress.IPv6Any);
        int? best = null;
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.OperationalStatus == OperationalStatus.Down || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback
                || nic.Name.StartsWith(tunnelInterfacePrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var properties = nic.GetIPProperties();
            if (!any && !properties.UnicastAddresses.Any(u => u.Address.Equals(listen)))
            {
                continue;
            }

            var mtu = Mtu(nic);
            if (mtu > 0 && (best is null || mtu > best))
            {
                best = mtu;
            }
        }

        return best;
    }

    /// <summary>The path MTU towards <paramref name="peer"/> as the kernel knows it (route or interface MTU), or null.</summary>
    public static int? ToPeer(IPEndPoint peer)
    {
        try
        {
            using var socket = new Socket(peer.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            socket.Connect(peer);
            var value = new byte[4];
            // IP_MTU (14) and IPV6_MTU (24): the MTU of the connected socket's route.
            var length = peer.AddressFamily == AddressFamily.InterNetworkV6
                ? socket.GetRawSocketOption(41, 24, value)
                : socket.GetRawSocketOption(0, 14, value);
            return length == 4 ? BitConverter.ToInt32(value) : null;
        }
        catch (SocketException)
        {
            return null;
        }
    }

    private static int Mtu(NetworkInterface nic)
    {
        try
        {
            return nic.GetIPProperties().GetIPv4Properties()?.Mtu ?? 0;
        }
        catch (NetworkInformationException)
        {
            return 0;
        }
    }
}
