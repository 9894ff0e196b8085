using System.Text.Json;
using Oracle.Chain;
using Oracle.Chain.Contracts.ProviderRegistry;
using Oracle.Chain.Deployment;
using Oracle.Devnet.Runtime;
using Oracle.Testing;

namespace Oracle.Devnet.Tests;

/// <summary>The main job as `./oracle up` runs it, services included (detached so the test can look at it).</summary>
public sealed class MainJobTests
{
    [Fact]
    public async Task Up_WithServices_EveryServiceHealthyAndTheGatewayRegisteredOnChain_DownLeavesNothing()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"devnet-main-{Guid.NewGuid():N}");
        var cli = RepositoryLayout.Find().ServiceAssembly("Oracle.Devnet", "oracle-devnet")
            ?? throw new InvalidOperationException("oracle-devnet is not built");

        var up = await Commands.RunAsync(TimeSpan.FromSeconds(180), ["dotnet", cli, "devnet", "up", "--detach", "--data-dir", dir]);
        var state = DevnetState.Read(dir);
        try
        {
            Assert.True(up.ExitCode == 0, up.StandardOutput + up.StandardError);
            Assert.NotNull(state);
            Assert.Equal(["Arbitration.Api", "EvidenceCollector", .. LocalNetwork.OracleNames, "VpnGateway"], state.Services.Keys.Order(StringComparer.Ordinal));
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            foreach (var (name, url) in state.Services)
            {
                using var health = await http.GetAsync(new Uri(url + "/healthz"));
                Assert.True(health.IsSuccessStatusCode, $"{name}: {(int)health.StatusCode}");
            }

            // The gateway serves what the chain says about it: its endpoint and tunnel key are the registered ones.
            var manifest = DeploymentManifest.Load(state.Manifest!);
            var registry = new ProviderRegistryService(ChainConnection.ReadOnly(state.RpcUrl!), manifest.AddressOf(ContractNames.ProviderRegistry));
            Assert.Equal(1, (int)await registry.ProviderCountQueryAsync());
            var registered = (await registry.GetProviderQueryAsync(await registry.ProviderAtQueryAsync(0))).P.Info;
            var gatewayFolder = Path.Combine(dir, "services", "VpnGateway");
            using var config = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(gatewayFolder, "gateway.json")));
            Assert.Equal(config.RootElement.GetProperty("Serve").GetProperty("Listen").GetString(), registered.Endpoint);

            // Its evidence spool lives in the devnet's folder and publishes to the devnet's broker.
            var metering = config.RootElement.GetProperty("Metering");
            Assert.StartsWith(gatewayFolder, metering.GetProperty("SpoolPath").GetString(), StringComparison.Ordinal);
            // (through the network helper's relay on the host's end of the provider namespace's veth)
            var bus = new Uri(config.RootElement.GetProperty("Bus").GetProperty("Url").GetString()!);
            var broker = new Uri(state.AmqpUrl!);
            Assert.Equal((broker.UserInfo, broker.Port), (bus.UserInfo, bus.Port));
            Assert.StartsWith("198.19.", bus.Host, StringComparison.Ordinal);
            Assert.True(File.Exists(metering.GetProperty("SpoolPath").GetString()));

            // The provider runs in its own namespace with its exit on; the devnet's client config connects from the
            // host and reaches the devnet's internet through the exit (masqueraded to the provider's exit address).
            Assert.NotNull(state.Exit);
            Assert.Equal($"http://{state.Exit.Web.Split('/')[2]}/", state.Exit.Web);
            Assert.Equal(2, state.Namespaces.Count);
            var namespaces = await Commands.RunAsync("ip", "netns", "list");
            Assert.All(state.Namespaces, n => Assert.Contains(n, namespaces.StandardOutput, StringComparison.Ordinal));
            var client = StartClient(state.Exit.ClientConfig!, Path.Combine(dir, "client.log"));
            try
            {
                await WaitForAsync(() => File.Exists(Path.Combine(dir, "client.log"))
                    && File.ReadAllText(Path.Combine(dir, "client.log")).Contains("connected: session", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
                var page = await Commands.RunAsync(TimeSpan.FromSeconds(20), ["curl", "-s", "--max-time", "10", state.Exit.Web]);
                Assert.Equal(0, page.ExitCode);
                Assert.Contains("Hello from the devnet's internet", page.StandardOutput, StringComparison.Ordinal);
                Assert.Contains("You came from 198.19.", page.StandardOutput, StringComparison.Ordinal);
                Assert.DoesNotContain(state.Exit.Endpoint.Split(':')[0], page.StandardOutput, StringComparison.Ordinal); // not the underlay: the exit's NAT
            }
            finally
            {
                await Commands.RunAsync("kill", "-TERM", client.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
                await client.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }

            // The gateway's firewall and NAT are in its namespace, not the host's.
            var gatewayPid = state.Processes.Single(p => p.Process.Name == "VpnGateway").Process.Pid;
            var hostTables = await Commands.RunAsync("nft", "list", "tables");
            var providerTables = await Commands.RunAsync("ip", "netns", "exec", state.Namespaces[0], "nft", "list", "tables");
            Assert.DoesNotContain($"oracle_gw_{gatewayPid}", hostTables.StandardOutput, StringComparison.Ordinal);
            Assert.Contains($"oracle_gw_{gatewayPid}", providerTables.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            await Commands.RunAsync(TimeSpan.FromSeconds(60), ["dotnet", cli, "devnet", "down", "--data-dir", dir]);
        }

        Assert.All(state.Processes, p => Assert.False(p.Process.IsAlive()));
        Assert.False(Directory.Exists(dir));
        var after = await Commands.RunAsync("ip", "netns", "list");
        Assert.All(state.Namespaces, n => Assert.DoesNotContain(n, after.StandardOutput, StringComparison.Ordinal));
    }

    // The devnet's client, as a user starts it (in the host's namespace; it routes only the devnet's internet).
    private static System.Diagnostics.Process StartClient(string config, string log)
    {
        var gateway = RepositoryLayout.Find().ServiceAssembly("VpnGateway", "vpngateway") ?? throw new InvalidOperationException("vpngateway is not built");
        var start = new System.Diagnostics.ProcessStartInfo("sh") { UseShellExecute = false };
        foreach (var a in new[] { "-c", "exec dotnet \"$0\" connect --config \"$1\" >>\"$2\" 2>&1 </dev/null", gateway, config, log })
        {
            start.ArgumentList.Add(a);
        }

        return System.Diagnostics.Process.Start(start)!;
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(200);
        }
    }
}
