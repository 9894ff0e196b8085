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
            Parameters = Parameters,
        }, progress, cancellationToken);
        world.Reporter.Detail("dispute phases of this network: commit 120 s, reveal 60 s, appeal 30 s (the devnet's are a day)");
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

    private static async Task StartServicesAsync(ScenarioWorld world, CancellationToken cancellationToken)
    {
        var progress = new DetailProgress(world.Reporter);
        // The collector's operator buys its bond (the EvidenceRegistry's minimum, 1,000 VPN) before it registers.
        var operatorOfCollector = await world.ActorFromKeystoreAsync("collector", world.Network.Keystore("collector"), world.Network.PasswordFile, cancellationToken);
        await Trade(operatorOfCollector.Actions, new Oracle.Actions.Exchange.TradeOrder(Oracle.Actions.Exchange.TradeSide.Buy, Oracle.Actions.Units.Asset.Eth,
            Oracle.Actions.Units.Asset.Vpn.Parse("1000", "VPN")), cancellationToken);

        // Short anchoring interval: what the gateways publish is anchored within seconds.
        var collector = world.Network.StartServiceAsync("EvidenceCollector", "collector", new Dictionary<string, string>
        {
            ["Anchoring__Interval"] = "00:00:02",
        }, progress, cancellationToken);
        var api = world.Network.StartServiceAsync("Arbitration.Api", "relayer", new Dictionary<string, string>(), progress, cancellationToken);
        world.Collector = await collector;
        world.Api = await api;
        world.Reporter.Detail($"the dashboard: {world.Api.Url}/ (API reference {world.Api.Url}/openapi/v1.json); the collector's proofs: {world.Collector.Url}/v1/log");
    }

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
