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
            Assert.Equal(["Arbitration.Api", "EvidenceCollector", "OracleNode", "VpnGateway"], state.Services.Keys.Order(StringComparer.Ordinal));
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
            Assert.Equal(state.AmqpUrl, config.RootElement.GetProperty("Bus").GetProperty("Url").GetString());
            Assert.True(File.Exists(metering.GetProperty("SpoolPath").GetString()));
        }
        finally
        {
            await Commands.RunAsync(TimeSpan.FromSeconds(60), ["dotnet", cli, "devnet", "down", "--data-dir", dir]);
        }

        Assert.All(state.Processes, p => Assert.False(p.Process.IsAlive()));
        Assert.False(Directory.Exists(dir));
    }
}
