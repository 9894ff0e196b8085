using System.Net;
using System.Net.Sockets;
using Oracle.Core.Policy;
using Oracle.Testing;

namespace VpnGateway.Tests.Integration;

/// <summary>
/// What a client may not reach on the provider's side besides the policy's own rules: the provider host through
/// broadcast and multicast, a network that appeared on the host after the gateway started, and — the other way — a
/// client's tunnel address from outside (issue 10, items 13, 14, 17).
/// </summary>
[Collection(GatewayNetworkCollection.Name)]
public sealed class ProviderHostGuardTests(GatewayNetwork net)
{
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task BroadcastAndMulticast_FromClient_NeverReachProviderSockets()
    {
        const int port = 5355;
        var group = IPAddress.Parse("224.0.0.252");
        var providerDevice = await ProviderDeviceAsync(1);
        var providerIndex = await InterfaceIndexAsync(net.Provider, providerDevice);
        var clientDevice = await ClientDeviceAsync();
        var before = GatewayNetwork.Denials(await GatewayNetwork.StatusAsync(net.Provider, GatewayNetwork.ProviderMetrics), PolicyDecision.ProviderGuardRuleId);

        // A socket on the provider as an LLMNR responder has one: any address, the group joined on the session's device.
        using var receiver = net.Provider.RunInside(() =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            s.EnableBroadcast = true;
            s.Bind(new IPEndPoint(IPAddress.Any, port));
            s.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(group, providerIndex));
            return s;
        });

        // The client sends into its tunnel device: limited broadcast, the group, and the provider LAN's broadcast address.
        var targets = new[] { IPAddress.Broadcast, group, IPAddress.Parse("198.18.3.255") };
        net.Client.RunInside(() =>
        {
            using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            s.EnableBroadcast = true;
            s.SetRawSocketOption(1 /* SOL_SOCKET */, 25 /* SO_BINDTODEVICE */, System.Text.Encoding.ASCII.GetBytes(clientDevice + "\0"));
            s.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 4);
            for (var i = 0; i < 3; i++)
            {
                foreach (var target in targets)
                {
                    s.SendTo("who is there?"u8, new IPEndPoint(target, port));
                }
            }

            return 0;
        });

        var received = await ReceiveAllAsync(receiver, TimeSpan.FromSeconds(2));
        var after = GatewayNetwork.Denials(await GatewayNetwork.StatusAsync(net.Provider, GatewayNetwork.ProviderMetrics), PolicyDecision.ProviderGuardRuleId);

        Assert.Empty(received);
        Assert.True(after - before >= 9, $"provider-guard denials: {after - before} of 9 packets"); // all denied in the data path, as evidence says
    }

    [Fact]
    public async Task NetworkAddedToProviderAfterStart_UnreachableFromClient()
    {
        // A bridge or VLAN comes up on the provider while the session runs: a new subnet with a host and a web server.
        await using var lan2 = await NetworkNamespace.CreateAsync("gwn");
        await NetworkNamespace.ConnectAsync(net.Provider, "198.18.8.1/24", lan2, "198.18.8.10/24");
        await GatewayNetwork.Run(lan2, "ip", "route", "add", "198.19.200.0/24", "via", "198.18.8.1");
        await using var server = TinyHttpServer.Start(lan2, "198.18.8.10", 8080, new Dictionary<string, byte[]> { ["hello.txt"] = "new lan\n"u8.ToArray() });
        await Task.Delay(TimeSpan.FromSeconds(1)); // the gateway hears of the address through netlink at once

        var web = await net.Client.ExecAsync(Short, "curl", "-s", "--max-time", "3", "http://198.18.8.10:8080/hello.txt");
        var host = await net.Client.ExecAsync(Short, "ping", "-c", "2", "-W", "1", "198.18.8.10");
        var providerAddress = await net.Client.ExecAsync(Short, "ping", "-c", "2", "-W", "1", "198.18.8.1");
        var internet = await net.Client.ExecAsync(Short, "ping", "-c", "1", "-W", "2", GatewayNetwork.InternetHost);

        Assert.NotEqual(0, web.ExitCode);
        Assert.NotEqual(0, host.ExitCode);
        Assert.NotEqual(0, providerAddress.ExitCode);
        Assert.Equal(0, internet.ExitCode);
        Assert.Contains("198.18.8.0/24", await File.ReadAllTextAsync(net.ProviderLog), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewConnection_FromUplinkSideToExitClientTunnelAddress_Dropped()
    {
        var clientAddress = await ClientTunnelAddressAsync();
        await using var service = TinyHttpServer.Start(net.Client, clientAddress, 8081, new Dictionary<string, byte[]> { ["secret.txt"] = "client's service\n"u8.ToArray() });
        // A router on the uplink routes the provider's pool to it (the ISP's router); a host behind it (an internet
        // address: the uplink's own subnet is guarded) connects to the client.
        await GatewayNetwork.Run(net.Internet, "ip", "route", "replace", "198.19.200.0/24", "via", "198.18.2.1");
        try
        {
            var inbound = await net.Internet.ExecAsync(Short, "curl", "-s", "--max-time", "3", "--interface", GatewayNetwork.InternetHost,
                $"http://{clientAddress}:8081/secret.txt");
            var outbound = await net.Client.ExecAsync(Short, "curl", "-s", "--max-time", "10", $"http://{GatewayNetwork.InternetHost}:8080/hello.txt");

            Assert.NotEqual(0, inbound.ExitCode);
            Assert.Equal("hello from the internet\n", outbound.StandardOutput); // replies still come back
        }
        finally
        {
            await GatewayNetwork.Run(net.Internet, "ip", "route", "del", "198.19.200.0/24");
        }
    }

    [Fact]
    public async Task GatewaysOwnServices_FromClientThroughTheTunnel_Unreachable()
    {
        // A service on the provider host listening on every address (an SSH daemon, a misconfigured metrics port).
        await using var service = TinyHttpServer.Start(net.Provider, "0.0.0.0", 8099, new Dictionary<string, byte[]> { ["x"] = "provider host\n"u8.ToArray() });
        var before = GatewayNetwork.Denials(await GatewayNetwork.StatusAsync(net.Provider, GatewayNetwork.ProviderMetrics), PolicyDecision.ProviderGuardRuleId);

        var tunnelAddress = await net.Client.ExecAsync(Short, "curl", "-s", "--max-time", "3", "http://198.19.200.1:8099/x");
        var uplinkAddress = await net.Client.ExecAsync(Short, "curl", "-s", "--max-time", "3", "http://198.18.2.1:8099/x");
        var lanAddress = await net.Client.ExecAsync(Short, "curl", "-s", "--max-time", "3", "http://198.18.3.1:8099/x");
        var after = GatewayNetwork.Denials(await GatewayNetwork.StatusAsync(net.Provider, GatewayNetwork.ProviderMetrics), PolicyDecision.ProviderGuardRuleId);

        Assert.NotEqual(0, tunnelAddress.ExitCode);
        Assert.NotEqual(0, uplinkAddress.ExitCode);
        Assert.NotEqual(0, lanAddress.ExitCode);
        Assert.True(after - before >= 3, $"provider-guard denials: {after - before}");
    }

    [Fact]
    public async Task SourceRoute_ThroughTheProviderToItsLan_NeverArrives()
    {
        const int port = 5999;
        var clientDevice = await ClientDeviceAsync();
        var clientAddress = await ClientTunnelAddressAsync();
        Socket Receiver()
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            s.Bind(new IPEndPoint(IPAddress.Any, port));
            return s;
        }

        using var lanReceiver = net.Lan.RunInside(Receiver);
        using var internetReceiver = net.Internet.RunInside(Receiver);

        // Loose source routes that would take a datagram on to the LAN host: first hop the internet host (allowed by
        // the policy: the provider forwards it and its kernel must not act on the route), then the provider's uplink
        // address itself (guarded).
        net.Client.RunInside(() =>
        {
            using var raw = new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Raw); // IP_HDRINCL
            raw.SetRawSocketOption(1 /* SOL_SOCKET */, 25 /* SO_BINDTODEVICE */, System.Text.Encoding.ASCII.GetBytes(clientDevice + "\0"));
            foreach (var firstHop in new[] { GatewayNetwork.InternetHost, "198.18.2.1" })
            {
                var packet = SourceRouted(clientAddress, firstHop, GatewayNetwork.LanHost, port);
                raw.SendTo(packet, new IPEndPoint(IPAddress.Parse(firstHop), 0));
            }

            // The control: the same datagram without the route option goes through to the internet host.
            var plain = SourceRouted(clientAddress, GatewayNetwork.InternetHost, GatewayNetwork.InternetHost, port);
            plain[0] = 0x45;
            plain = [.. plain.AsSpan(0, 20), .. plain.AsSpan(28)];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(plain.AsSpan(2), (ushort)plain.Length);
            raw.SendTo(plain, new IPEndPoint(IPAddress.Parse(GatewayNetwork.InternetHost), 0));
            return 0;
        });

        var received = await ReceiveAllAsync(lanReceiver, TimeSpan.FromSeconds(2));
        var control = await ReceiveAllAsync(internetReceiver, TimeSpan.FromMilliseconds(200));

        Assert.Empty(received);
        Assert.Single(control);
    }

    // IPv4 with a loose source route option (LSRR, type 131) listing the final destination, then UDP to it (no checksum).
    private static byte[] SourceRouted(string source, string firstHop, string finalDestination, int port)
    {
        var packet = new byte[28 + 8 + 8];
        packet[0] = 0x47; // a 28-byte header: 20 + the 7-byte option + end of options
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        packet[8] = 64;
        packet[9] = 17;
        IPAddress.Parse(source).TryWriteBytes(packet.AsSpan(12), out _);
        IPAddress.Parse(firstHop).TryWriteBytes(packet.AsSpan(16), out _);
        packet[20] = 131; // LSRR
        packet[21] = 7;   // type, length, pointer, one address
        packet[22] = 4;   // pointer to the first address
        IPAddress.Parse(finalDestination).TryWriteBytes(packet.AsSpan(23), out _);
        packet[27] = 0;   // end of options
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(28), 40000);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(30), (ushort)port);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(32), 16);
        return packet;
    }

    private async Task<string> ProviderDeviceAsync(ulong session)
    {
        var status = await GatewayNetwork.StatusAsync(net.Provider, GatewayNetwork.ProviderMetrics);
        return status.GetProperty("sessions").EnumerateArray().Single(s => s.GetProperty("sessionId").GetUInt64() == session).GetProperty("interface").GetString()!;
    }

    private async Task<string> ClientDeviceAsync()
    {
        var links = await net.Client.ExecAsync("ip", "-o", "link", "show");
        return links.StandardOutput.Split('\n').Select(l => l.Split(':', StringSplitOptions.TrimEntries)).Where(p => p.Length > 1 && p[1].StartsWith("orc", StringComparison.Ordinal))
            .Select(p => p[1]).Single();
    }

    private async Task<string> ClientTunnelAddressAsync()
    {
        var addresses = await net.Client.ExecAsync("ip", "-4", "-o", "addr", "show", "dev", await ClientDeviceAsync());
        return addresses.StandardOutput.Split(" inet ")[1].Split(' ', '/')[0];
    }

    private static async Task<int> InterfaceIndexAsync(NetworkNamespace ns, string device)
    {
        var link = await ns.ExecAsync("ip", "-o", "link", "show", "dev", device);
        link.EnsureSuccess();
        return int.Parse(link.StandardOutput.Split(':')[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<List<string>> ReceiveAllAsync(Socket socket, TimeSpan window)
    {
        var received = new List<string>();
        var buffer = new byte[2048];
        var deadline = DateTime.UtcNow + window;
        while (DateTime.UtcNow < deadline)
        {
            while (socket.Available > 0)
            {
                EndPoint from = new IPEndPoint(IPAddress.Any, 0);
                var n = socket.ReceiveFrom(buffer, ref from);
                received.Add($"{from}: {System.Text.Encoding.ASCII.GetString(buffer, 0, n)}");
            }

            await Task.Delay(100);
        }

        return received;
    }
}
