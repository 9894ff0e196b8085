using System.Security.Cryptography;
using Oracle.Devnet.Runtime;

namespace Oracle.Devnet.Scenario;

public static partial class MainJobSteps
{
    private static async Task StartNetworkAsync(ScenarioWorld world, CancellationToken cancellationToken)
    {
        var progress = new DetailProgress(world.Reporter);
        world.Network = await LocalNetwork.UpAsync(new LocalNetworkOptions
        {
            DataDirectory = world.Options.DataDirectory,
            Repository = world.Options.Repository,
            StartServices = false,
            WriteRepositoryManifest = world.Options.WriteRepositoryManifest,
        }, progress, cancellationToken);
        Directory.CreateDirectory(world.Folder);
        world.PasswordFile = Path.Combine(world.Folder, "keys", "password");
        Directory.CreateDirectory(Path.GetDirectoryName(world.PasswordFile)!);
        await File.WriteAllTextAsync(world.PasswordFile, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) + "\n", cancellationToken);
        File.SetUnixFileMode(world.PasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        if (Native.GetEffectiveUserId() != 0)
        {
            throw new ScenarioStepException("the main job runs gateways in network namespaces and needs root: run it as root (or ./oracle up --bare for the network alone)");
        }

        var id = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(world.Options.DataDirectory)))[..5];
        var topology = await ScenarioTopology.CreateAsync(id, cancellationToken);
        world.Topology = topology;
        world.Network.AdoptNetwork(topology.Namespaces, [topology.Bridge]);
        world.Reporter.Detail($"namespaces {string.Join(", ", topology.Namespaces)} on the underlay {topology.Underlay} (bridge {topology.Bridge})");

        var cli = world.Options.Repository.ServiceAssembly("Oracle.Devnet", "oracle-devnet")
            ?? throw new ScenarioStepException("oracle-devnet is not built: run `dotnet build Oracle.sln`");
        var relay = new ScenarioRelay(Path.Combine(world.Folder, "network-helper"), cli, topology, [new Uri(world.Network.Chain.RpcUrl).Port, world.Network.Bus.AmqpPort]);
        await world.StartAsync(relay, cancellationToken);
        world.Reporter.Detail($"the namespaces reach the chain at {world.NamespaceRpcUrl} and the broker through relays on {topology.RootAddress}");

        var iperf = new ScenarioProcess("iperf3-server", Path.Combine(world.Folder, "iperf3"), topology.Internet,
            ["iperf3", "--server", "--bind", topology.InternetServer, "--port", "5201"], topology.InternetServer, 5201);
        await world.StartAsync(iperf, cancellationToken);
        world.Reporter.Detail($"the internet's server {topology.InternetServer}: web on port {ScenarioRelay.WebPort}, iperf3 on 5201");
    }

    private static Task PriceFeedAsync(ScenarioWorld world, CancellationToken cancellationToken)
    {
        // OracleNode (issue 13) reports prices once it lands on main; until then the exchange trades on the genesis
        // price, which stays fresh for the network's maximum price age (one hour), longer than the main job runs.
        return NotPlayedAsync(world, "the oracle nodes are not on this build (OracleNode: issue 13); the exchange trades on the genesis price");
    }

    private static Task StartServicesAsync(ScenarioWorld world, CancellationToken cancellationToken)
        => NotPlayedAsync(world, "the evidence collector (issue 11) and the Arbitration API (issue 12) are not on this build");

    private static Task NotPlayedAsync(ScenarioWorld world, string reason)
    {
        world.Facts.NotPlayed.Add(reason);
        world.Reporter.Detail($"not played: {reason}");
        return Task.CompletedTask;
    }

    // Progress lines of the devnet as details of the running step.
    private sealed class DetailProgress(IScenarioReporter reporter) : IProgress<string>
    {
        public void Report(string value) => reporter.Detail(value);
    }
}
