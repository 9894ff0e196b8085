using Oracle.Testing;

namespace VpnGateway.Tests.Integration;

/// <summary>SIGTERM leaves nothing behind: no TUN device, no nftables table, no pinned route, forwarding restored.</summary>
[Collection(GatewayNetworkCollection.Name)]
public sealed class CleanShutdownTests(GatewayNetwork net)
{
    [Fact]
    public async Task Sigterm_ProviderAndClient_RemoveDevicesRoutesAndRules()
    {
        await using var client = await NetworkNamespace.CreateAsync("gwsc");
        await using var provider = await NetworkNamespace.CreateAsync("gwsp");
        await NetworkNamespace.ConnectAsync(client, "198.18.30.1/30", provider, "198.18.30.2/30");
        var clientKey = net.Key("sclient");
        net.Key("sprovider");
        var config = $$"""
            { "Keys": { "TunnelKeystore": "{{net.Folder}}/sprovider.key", "PasswordFile": "{{net.PasswordFile}}" },
              "Serve": { "Listen": "0.0.0.0:51820", "AddressPool": "198.19.210.0/24", "Exit": { "Enabled": true } },
              "Directory": { "Sessions": [ { "Id": 1, "TunnelKey": "{{Convert.ToBase64String(clientKey)}}", "Policy": "{{net.Folder}}/exit.json" } ] },
              "Metrics": { "Listen": "127.0.0.1:9600" } }
            """;
        var serve = net.StartGateway(provider, "sprovider", "serve", config);
        await GatewayNetwork.WaitForLog(Path.Combine(net.Folder, "sprovider.log"), "serving on", TimeSpan.FromSeconds(30));
        var providerKey = (await provider.ExecAsync("dotnet", GatewayNetwork.GatewayDll, "keygen", "--show", "--out", $"{net.Folder}/sprovider.key", "--password-file", net.PasswordFile)).StandardOutput.Split('\n')[0];
        var connect = net.StartGateway(client, "sclient", "connect",
            net.ClientConfig("sclient", 1, "198.18.30.2", ["0.0.0.0/0"], 9601, providerKey: providerKey));
        await GatewayNetwork.WaitForLog(Path.Combine(net.Folder, "sclient.log"), "connected: session 1", TimeSpan.FromSeconds(30));
        Assert.Contains("oracle_gw_", (await provider.ExecAsync("nft", "list", "tables")).StandardOutput, StringComparison.Ordinal);
        Assert.Contains("198.18.30.2 dev", (await client.ExecAsync("ip", "route")).StandardOutput, StringComparison.Ordinal);

        await Oracle.Testing.Commands.RunAsync("kill", "-TERM", connect.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Oracle.Testing.Commands.RunAsync("kill", "-TERM", serve.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await connect.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        await serve.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(0, connect.ExitCode);
        Assert.Equal(0, serve.ExitCode);
        Assert.DoesNotContain("orc", (await client.ExecAsync("ip", "-o", "link")).StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("ogw", (await provider.ExecAsync("ip", "-o", "link")).StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("oracle_gw_", (await provider.ExecAsync("nft", "list", "tables")).StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("198.18.30.2 dev", (await client.ExecAsync("ip", "route")).StandardOutput, StringComparison.Ordinal);
        Assert.Equal("0", (await provider.ExecAsync("cat", "/proc/sys/net/ipv4/ip_forward")).StandardOutput.Trim());
    }
}
