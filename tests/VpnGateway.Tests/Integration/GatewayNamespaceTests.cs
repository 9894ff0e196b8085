using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Oracle.Testing;
using VpnGateway.Crypto;
using VpnGateway.Protocol;

namespace VpnGateway.Tests.Integration;

/// <summary>Real TUN devices, nftables and UDP between namespaces: the issue's integration scenarios.</summary>
[Collection(GatewayNetworkCollection.Name)]
public sealed class GatewayNamespaceTests(GatewayNetwork net)
{
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Ping_ClientThroughProvider_ReachesInternetHost()
    {
        var ping = await net.Client.ExecAsync(Short, "ping", "-c", "3", "-i", "0.2", "-W", "2", GatewayNetwork.InternetHost);

        Assert.Equal(0, ping.ExitCode);
    }

    [Fact]
    public async Task Curl_HttpServerInInternetNamespace_ServedThroughTheTunnel()
    {
        var curl = await net.Client.ExecAsync(Short, "curl", "-s", "--max-time", "10", $"http://{GatewayNetwork.InternetHost}:8080/hello.txt");

        Assert.Equal(0, curl.ExitCode);
        Assert.Equal("hello from the internet\n", curl.StandardOutput);
    }

    [Fact]
    public async Task Tcp_LargeDownloadAcrossKeyRotations_ArrivesIntact()
    {
        var before = (await GatewayNetwork.StatusAsync(net.Client, GatewayNetwork.ClientMetrics)).GetProperty("handshakes").GetInt64();
        var expected = Convert.ToHexStringLower(SHA256.HashData(net.BigFile));

        // 24 MiB at 2 MiB/s: twelve seconds, two or three rekeys (every 4 s) under load.
        var download = await net.Client.ExecAsync(TimeSpan.FromSeconds(60), "sh", "-c",
            $"curl -s --max-time 40 --limit-rate 2M http://{GatewayNetwork.InternetHost}:8080/big.bin | sha256sum");
        var after = (await GatewayNetwork.StatusAsync(net.Client, GatewayNetwork.ClientMetrics)).GetProperty("handshakes").GetInt64();

        Assert.Equal(0, download.ExitCode);
        Assert.StartsWith(expected, download.StandardOutput, StringComparison.Ordinal);
        Assert.True(after - before >= 2, $"handshakes during the download: {after - before}");
    }

    [Fact]
    public async Task ProviderLan_Unreachable_DenialsCounted()
    {
        var before = GatewayNetwork.Denials(await GatewayNetwork.StatusAsync(net.Provider, GatewayNetwork.ProviderMetrics), Oracle.Core.Policy.PolicyDecision.ProviderGuardRuleId);

        var ping = await net.Client.ExecAsync(Short, "ping", "-c", "2", "-W", "1", GatewayNetwork.LanHost);
        var curl = await net.Client.ExecAsync(Short, "curl", "-s", "--max-time", "3", $"http://{GatewayNetwork.LanHost}:8080/hello.txt");
        var router = await net.Client.ExecAsync(Short, "ping", "-c", "1", "-W", "1", "198.18.2.1");
        var after = GatewayNetwork.Denials(await GatewayNetwork.StatusAsync(net.Provider, GatewayNetwork.ProviderMetrics), Oracle.Core.Policy.PolicyDecision.ProviderGuardRuleId);

        Assert.NotEqual(0, ping.ExitCode);
        Assert.NotEqual(0, curl.ExitCode);
        Assert.NotEqual(0, router.ExitCode);
        Assert.True(after - before >= 4, $"provider-guard denials: {after - before}");
    }

    [Fact]
    public async Task Port445_Unreachable_DenialsCountedWhile8080Works()
    {
        var before = GatewayNetwork.Denials(await GatewayNetwork.StatusAsync(net.Provider, GatewayNetwork.ProviderMetrics), 1);

        var smb = await net.Client.ExecAsync(Short, "timeout", "4", "bash", "-c", $"echo > /dev/tcp/{GatewayNetwork.InternetHost}/445");
        var web = await net.Client.ExecAsync(Short, "timeout", "4", "bash", "-c", $"echo > /dev/tcp/{GatewayNetwork.InternetHost}/8080");
        var after = GatewayNetwork.Denials(await GatewayNetwork.StatusAsync(net.Provider, GatewayNetwork.ProviderMetrics), 1);

        Assert.NotEqual(0, smb.ExitCode);
        Assert.Equal(0, web.ExitCode);
        Assert.True(after > before, "rule 1 (no SMB) counted a denial");
    }

    [Fact]
    public async Task SiteToSite_LansReachEachOtherButNothingElse()
    {
        var bToA = await net.SiteBHostNamespace.ExecAsync(Short, "ping", "-c", "2", "-W", "2", GatewayNetwork.LanHost);
        var aToB = await net.Lan.ExecAsync(Short, "ping", "-c", "2", "-W", "2", GatewayNetwork.SiteBHost);
        var web = await net.SiteBHostNamespace.ExecAsync(Short, "curl", "-s", "--max-time", "5", $"http://{GatewayNetwork.LanHost}:8080/hello.txt");
        var internet = await net.SiteBHostNamespace.ExecAsync(Short, "ping", "-c", "1", "-W", "1", GatewayNetwork.InternetHost);
        var exitClientToLan = await net.Client.ExecAsync(Short, "ping", "-c", "1", "-W", "1", GatewayNetwork.LanHost);

        Assert.Equal(0, bToA.ExitCode);
        Assert.Equal(0, aToB.ExitCode);
        Assert.Equal("hello from the internet\n", web.StandardOutput);
        Assert.NotEqual(0, internet.ExitCode);
        Assert.NotEqual(0, exitClientToLan.ExitCode);
    }

    [Fact]
    public async Task ClientIsolation_ExitClient_ReachesNeitherAnotherClientNorItsRoutedLan()
    {
        // Site B is the provider's other client: its tunnel address is in the provider's pool, its LAN routed to its session.
        var addresses = await net.SiteBGateway.ExecAsync("ip", "-4", "-o", "addr", "show");
        var siteBTunnel = addresses.StandardOutput.Split('\n').Where(l => l.Contains(" inet 198.19.200.", StringComparison.Ordinal))
            .Select(l => l.Split(" inet ", StringSplitOptions.None)[1].Split(' ', '/')[0]).Single();
        var before = GatewayNetwork.Denials(await GatewayNetwork.StatusAsync(net.Provider, GatewayNetwork.ProviderMetrics), Oracle.Core.Policy.PolicyDecision.ProviderGuardRuleId);

        var toClient = await net.Client.ExecAsync(Short, "ping", "-c", "2", "-W", "1", siteBTunnel);
        var toItsLan = await net.Client.ExecAsync(Short, "ping", "-c", "2", "-W", "1", GatewayNetwork.SiteBHost);
        var internet = await net.Client.ExecAsync(Short, "ping", "-c", "1", "-W", "2", GatewayNetwork.InternetHost);
        var after = GatewayNetwork.Denials(await GatewayNetwork.StatusAsync(net.Provider, GatewayNetwork.ProviderMetrics), Oracle.Core.Policy.PolicyDecision.ProviderGuardRuleId);

        Assert.NotEqual(0, toClient.ExitCode);
        Assert.NotEqual(0, toItsLan.ExitCode); // tunnel to tunnel: the forwarding rules drop it (and site B's policy would)
        Assert.Equal(0, internet.ExitCode);
        Assert.True(after - before >= 2, $"provider-guard denials: {after - before}"); // the pool is guarded
    }

    [Fact]
    public async Task Roaming_ClientAddressChanges_SessionContinues()
    {
        var addresses = await net.Client.ExecAsync("ip", "-4", "-o", "addr", "show", "dev", net.ClientUnderlayDevice);
        var (from, to) = addresses.StandardOutput.Contains("198.18.1.1/", StringComparison.Ordinal) ? ("198.18.1.1", "198.18.1.3") : ("198.18.1.3", "198.18.1.1");

        // The new address takes over as primary when the old one goes (as when a laptop changes networks).
        await GatewayNetwork.Run(net.Client, "sysctl", "-qw", $"net.ipv4.conf.{net.ClientUnderlayDevice}.promote_secondaries=1");
        await GatewayNetwork.Run(net.Client, "ip", "addr", "add", $"{to}/29", "dev", net.ClientUnderlayDevice);
        await GatewayNetwork.Run(net.Client, "ip", "addr", "del", $"{from}/29", "dev", net.ClientUnderlayDevice);
        var ping = await net.Client.ExecAsync(Short, "ping", "-c", "3", "-i", "0.3", "-W", "2", GatewayNetwork.InternetHost);
        var status = await GatewayNetwork.StatusAsync(net.Provider, GatewayNetwork.ProviderMetrics);
        var endpoint = status.GetProperty("sessions").EnumerateArray().Single(s => s.GetProperty("sessionId").GetUInt64() == 1).GetProperty("endpoint").GetString();

        Assert.Equal(0, ping.ExitCode);
        Assert.StartsWith(to + ":", endpoint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongProviderKey_ClientRefusedAndProviderCountsBadMac1()
    {
        var before = GatewayNetwork.Drop(await GatewayNetwork.StatusAsync(net.Provider, GatewayNetwork.ProviderMetrics), "handshake_bad_mac1");
        await using var stranger = await NetworkNamespace.CreateAsync("gwx");
        await NetworkNamespace.ConnectAsync(stranger, "198.18.5.1/30", net.Provider, "198.18.5.2/30");
        net.Key("stranger");
        using var wrong = TunnelKeyPair.Generate();
        var config = net.ClientConfig("stranger", 1, "198.18.5.2", ["198.18.100.0/24"], 9593, providerKey: Convert.ToBase64String(wrong.PublicKey), attempts: 2);
        var process = net.StartGateway(stranger, "stranger", "connect", config);

        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var after = GatewayNetwork.Drop(await GatewayNetwork.StatusAsync(net.Provider, GatewayNetwork.ProviderMetrics), "handshake_bad_mac1");

        Assert.Equal(1, process.ExitCode);
        Assert.Contains("no handshake response", await File.ReadAllTextAsync(Path.Combine(net.Folder, "stranger.log")), StringComparison.Ordinal);
        Assert.True(after - before >= 2, $"bad mac1 drops: {after - before}");
    }

    [Fact]
    public async Task HandshakeFlood_FromOneAddress_RateLimitedTunnelSurvives()
    {
        var before = await GatewayNetwork.StatusAsync(net.Provider, GatewayNetwork.ProviderMetrics);
        await using var attacker = await NetworkNamespace.CreateAsync("gwf");
        await NetworkNamespace.ConnectAsync(attacker, "198.18.6.1/30", net.Provider, "198.18.6.2/30");
        const int flood = 400;
        // Resolve the neighbour first: a flood sent at once into an unresolved ARP entry is mostly dropped by the sender's
        // kernel (unres_qlen_bytes holds about 166 of these datagrams), which is not what this test measures.
        (await attacker.ExecAsync("ping", "-c", "1", "-W", "2", "198.18.6.2")).EnsureSuccess();

        attacker.RunInside(() =>
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            var target = new IPEndPoint(IPAddress.Parse("198.18.6.2"), 51820);
            for (var i = 0; i < flood; i++)
            {
                // Valid mac1 (the attacker knows the public key), random identity: worth a Diffie-Hellman only within the limit.
                using var key = TunnelKeyPair.Generate();
                var payload = new byte[InitiationPayloadLayout.Size];
                payload[12] = 1;
                payload[21] = 1;
                var message = new byte[WireFormat.InitiationSize];
                using var handshake = InitiatorHandshake.Create(key, net.ProviderPublicKey, (uint)i + 1, payload, default, 0, message);
                socket.SendTo(message, target);
            }

            return 0;
        });

        var deadline = DateTime.UtcNow.AddSeconds(20);
        System.Text.Json.JsonElement after;
        long limited, processed;
        do
        {
            await Task.Delay(200);
            after = await GatewayNetwork.StatusAsync(net.Provider, GatewayNetwork.ProviderMetrics);
            limited = Delta("handshake_rate_limited") + Delta("handshake_cookie_required") + Delta("handshake_queue_full");
            processed = Delta("handshake_rejected") + Delta("handshake_invalid") + Delta("handshake_replay");
        }
        while (limited + processed < flood && DateTime.UtcNow < deadline);
        Assert.True(flood == limited + processed, $"before {before.GetProperty("drops")} after {after.GetProperty("drops")}");

        Assert.True(limited >= flood - 40, $"rate-limited {limited} of {flood}");
        Assert.True(processed <= 40, $"{processed} initiations cost a Diffie-Hellman");
        var ping = await net.Client.ExecAsync(Short, "ping", "-c", "3", "-W", "2", GatewayNetwork.InternetHost);
        Assert.Equal(0, ping.ExitCode);

        long Delta(string reason) => GatewayNetwork.Drop(after, reason) - GatewayNetwork.Drop(before, reason);
    }

    [Fact]
    public async Task Metrics_AndStatusCommand_ReportSessionsDropsAndDenials()
    {
        await net.Client.ExecAsync(Short, "ping", "-c", "1", "-W", "1", GatewayNetwork.LanHost);

        var metrics = await net.Provider.ExecAsync("curl", "-s", "--max-time", "5", $"http://127.0.0.1:{GatewayNetwork.ProviderMetrics}/metrics");
        var status = await net.Provider.ExecAsync(Short, "dotnet", GatewayNetwork.GatewayDll, "status", "--url", $"http://127.0.0.1:{GatewayNetwork.ProviderMetrics}");

        Assert.Contains("oracle_vpngateway_sessions", metrics.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("oracle_vpngateway_policy_denials", metrics.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("reason=\"policy_denied\"", metrics.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, status.ExitCode);
        Assert.Contains("2 session(s)", status.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("policy rule", status.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatusCommand_Piped_WholeRowsWithColumnsNamedTheSameOnBothSides()
    {
        var provider = await net.Provider.ExecAsync(Short, "dotnet", GatewayNetwork.GatewayDll, "status", "--url", $"http://127.0.0.1:{GatewayNetwork.ProviderMetrics}");
        var client = await net.Client.ExecAsync(Short, "dotnet", GatewayNetwork.GatewayDll, "status", "--url", $"http://127.0.0.1:{GatewayNetwork.ClientMetrics}");
        var clientAddress = (await GatewayNetwork.StatusAsync(net.Client, GatewayNetwork.ClientMetrics)).GetProperty("sessions")[0].GetProperty("clientPrefixes")[0].GetString()!;

        foreach (var output in new[] { provider.StandardOutput, client.StandardOutput })
        {
            // Redirected output has no terminal width: every session is one line, not wrapped at 80 columns.
            Assert.Contains(output.Split('\n'), l => l.Contains("client account", StringComparison.Ordinal) && l.Contains("client side", StringComparison.Ordinal)
                && l.Contains("peer endpoint", StringComparison.Ordinal) && l.Contains("rate-limited", StringComparison.Ordinal));
            Assert.Contains(output.Split('\n'), l => l.Contains(clientAddress, StringComparison.Ordinal) && l.Contains(" 198.18.1.", StringComparison.Ordinal));
        }

        Assert.Contains(provider.StandardOutput.Split('\n'), l => l.Contains(clientAddress, StringComparison.Ordinal) && l.Contains("(pinned key)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task InterfaceCounters_WithOffloads_FewerBytesThanTunnelByOneHeaderPerExtraSegment()
    {
        // docs/gateway.md, "Comparing with the kernel's counters": the provider's device counts a TSO super-packet once,
        // the tunnel (and billing) counts every MTU-sized segment with its own IP + TCP header (20 + 32 with timestamps).
        var status = await GatewayNetwork.StatusAsync(net.Provider, GatewayNetwork.ProviderMetrics);
        var device = status.GetProperty("sessions").EnumerateArray().Single(s => s.GetProperty("sessionId").GetUInt64() == 1).GetProperty("interface").GetString()!;
        var (deviceBytes0, devicePackets0) = await DeviceTxAsync(device);
        var (tunnelBytes0, tunnelPackets0) = await TunnelTxAsync();

        var download = await net.Client.ExecAsync(TimeSpan.FromSeconds(60), "sh", "-c",
            $"curl -s --max-time 40 http://{GatewayNetwork.InternetHost}:8080/big.bin | wc -c");
        var (deviceBytes, devicePackets) = await DeviceTxAsync(device);
        var (tunnelBytes, tunnelPackets) = await TunnelTxAsync();
        long kernelBytes = deviceBytes - deviceBytes0, kernelPackets = devicePackets - devicePackets0;
        long carriedBytes = tunnelBytes - tunnelBytes0, carriedPackets = tunnelPackets - tunnelPackets0;

        Assert.Equal(net.BigFile.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), download.StandardOutput.Trim());
        Assert.True(kernelPackets < carriedPackets / 4, $"the device saw {kernelPackets} (super-)packets, the tunnel carried {carriedPackets}");
        Assert.True(carriedBytes > kernelBytes * 1.02, $"tunnel {carriedBytes} bytes, device {kernelBytes}");
        Assert.Equal(52 * (carriedPackets - kernelPackets), carriedBytes - kernelBytes);

        async Task<(long Bytes, long Packets)> DeviceTxAsync(string name)
        {
            var link = await net.Provider.ExecAsync("ip", "-s", "-j", "link", "show", "dev", name);
            var tx = System.Text.Json.JsonDocument.Parse(link.EnsureSuccess().StandardOutput).RootElement[0].GetProperty("stats64").GetProperty("tx");
            return (tx.GetProperty("bytes").GetInt64(), tx.GetProperty("packets").GetInt64());
        }

        async Task<(long Bytes, long Packets)> TunnelTxAsync()
        {
            var session = (await GatewayNetwork.StatusAsync(net.Provider, GatewayNetwork.ProviderMetrics)).GetProperty("sessions").EnumerateArray()
                .Single(s => s.GetProperty("sessionId").GetUInt64() == 1);
            return (session.GetProperty("txBytes").GetInt64(), session.GetProperty("txPackets").GetInt64());
        }
    }

    [Fact]
    public async Task MetricsScrapes_NotLoggedAtInformation()
    {
        await net.Provider.ExecAsync("curl", "-s", "--max-time", "5", $"http://127.0.0.1:{GatewayNetwork.ProviderMetrics}/metrics");
        await net.Provider.ExecAsync("curl", "-s", "--max-time", "5", $"http://127.0.0.1:{GatewayNetwork.ProviderMetrics}/healthz");
        await Task.Delay(200);

        var log = await File.ReadAllTextAsync(net.ProviderLog);

        Assert.DoesNotContain("Request starting", log, StringComparison.Ordinal);
        Assert.DoesNotContain("/healthz", log, StringComparison.Ordinal);
    }
}
