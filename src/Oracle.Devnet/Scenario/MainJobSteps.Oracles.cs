using System.Globalization;
using System.Numerics;
using Nethereum.Contracts;
using Nethereum.RPC.Eth.DTOs;
using Oracle.Actions.Exchange;
using Oracle.Actions.Units;
using Oracle.Chain;
using Oracle.Chain.Contracts.PriceFeed;
using Oracle.Chain.Deployment;
using Oracle.Devnet.Runtime;

namespace Oracle.Devnet.Scenario;

public static partial class MainJobSteps
{
    /// <summary>The oracle operators (the devnet's keystores oracle-1 … oracle-5).</summary>
    public static IReadOnlyList<string> Oracles { get; } = ["oracle-1", "oracle-2", "oracle-3", "oracle-4", "oracle-5"];

    /// <summary>What each oracle stakes.</summary>
    public const string OracleStake = "1500";

    // The prices the oracles' sources say: 3 % and 2 % above the genesis answers (inside the exchange's band), so
    // that the nodes open a round and report it.
    private const string VpnEthSource = "0.000103";
    private const string BtcEthSource = "20.4";

    private static async Task OracleNodesAsync(ScenarioWorld world, CancellationToken cancellationToken)
    {
        var network = world.Network;
        var assembly = world.Options.Repository.ServiceAssembly("OracleNode", "oracle-node")
            ?? throw new ScenarioStepException("OracleNode is not built: run `dotnet build Oracle.sln`");
        var folder = Path.Combine(world.Folder, "oracles");
        Directory.CreateDirectory(folder);
        var vpnEth = Path.Combine(folder, "vpn-eth.price");
        var btcEth = Path.Combine(folder, "btc-eth.price");
        await File.WriteAllTextAsync(vpnEth, VpnEthSource + "\n", cancellationToken);
        await File.WriteAllTextAsync(btcEth, BtcEthSource + "\n", cancellationToken);

        // Each operator buys its stake at the exchange (ETH), stakes it with `oracle-node stake`, then runs its node.
        await Task.WhenAll(Oracles.Select(async name =>
        {
            var actor = await world.ActorFromKeystoreAsync(name, network.Keystore(name), network.PasswordFile, cancellationToken);
            await Trade(actor.Actions, new TradeOrder(TradeSide.Buy, Asset.Eth, Asset.Vpn.Parse("1600", "VPN")), cancellationToken);
            var config = await world.WriteJsonAsync(Path.Combine("oracles", name + ".json"), new
            {
                Chain = new
                {
                    RpcUrl = network.Chain.RpcUrl,
                    Manifest = network.ManifestPath,
                    Keystore = network.Keystore(name),
                    PasswordFile = network.PasswordFile,
                    Watcher = new { PollInterval = "00:00:00.500" },
                    Transactions = new { PollInterval = "00:00:00.250", StuckBlocks = 1 },
                },
                Store = new { SqlitePath = Path.Combine(folder, name + ".db") },
                Node = new { TickInterval = "00:00:00.500" },
                Voting = new { DecisionMargin = "00:00:20", DeadlineWarning = "00:00:30" },
                Keeper = new { Slot = "00:00:02" },
                Evidence = new { Collectors = new[] { world.Collector!.Url } },
                // The randomness duty (docs/protocol.md §7.4): every node holds the run's VRF key and answers the
                // coordinator's requests, standing down like keepers so that one answers each (Keeper:Slot).
                Randomness = new { VrfKeystore = network.Keystore(LocalNetwork.VrfRole) },
                Prices = new
                {
                    Enabled = true,
                    Interval = "00:00:01",
                    VpnEth = new { Sources = new[] { new { Name = "scenario", File = vpnEth } } },
                    BtcEth = new { Sources = new[] { new { Name = "scenario", File = btcEth } } },
                },
            }, cancellationToken);
            var staked = await StakeAsync(world, name, assembly, config, cancellationToken);
            world.Reporter.Detail($"{name} ({actor.Address}): {staked.Trim().Split('\n')[^1]}");
        }));

        foreach (var name in Oracles)
        {
            var node = new ServiceProcess(name, assembly, Path.Combine(folder, name), new Dictionary<string, string>(),
                ["run", "--config", Path.Combine(folder, name + ".json")]);
            world.OracleNodes[name] = node;
        }

        await Task.WhenAll(world.OracleNodes.Values.Select(node => world.StartAsync(node, cancellationToken)));
        world.Reporter.Detail($"five oracle nodes run: {string.Join(", ", world.OracleNodes.Values.Select(n => n.Url))} (/status of each)");

        // The nodes see their sources 3 % (VPN/ETH) and 2 % (BTC/ETH) above the feeds: one opens a round, the others
        // report, and the quorum's median becomes the answer.
        var manifest = network.Manifest!;
        var vpnAnswer = await WaitForAnswerAsync(world, manifest, ContractNames.PriceFeedVpnEth, cancellationToken);
        var btcAnswer = await WaitForAnswerAsync(world, manifest, ContractNames.PriceFeedBtcEth, cancellationToken);
        world.Facts.VpnEthPrice = Asset.Eth.Amount(vpnAnswer).ToString();
        world.Reporter.Detail($"the feeds moved: VPN/ETH {Asset.Eth.Amount(vpnAnswer)}, BTC/ETH {Asset.Eth.Amount(btcAnswer)} (reported by the oracles)");
    }

    // `oracle-node stake`, as the operator runs it; once more after a refusal (five stakes at once on the local chain
    // have had one refused by a gas estimate racing the approval).
    private static async Task<string> StakeAsync(ScenarioWorld world, string name, string assembly, string config, CancellationToken cancellationToken)
    {
        try
        {
            return await ProcessRunner.RunAsync("dotnet", [assembly, "stake", OracleStake, "--config", config], cancellationToken);
        }
        catch (LocalServiceException e)
        {
            world.Reporter.Detail($"{name}: {e.Message.Split('\n')[^1].Trim()}; staking again");
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return await ProcessRunner.RunAsync("dotnet", [assembly, "stake", OracleStake, "--config", config], cancellationToken);
        }
    }

    // The feed's answer after a round the oracles reported (round 2 or later).
    private static async Task<BigInteger> WaitForAnswerAsync(ScenarioWorld world, DeploymentManifest manifest, string feed, CancellationToken cancellationToken)
    {
        var web3 = ChainConnection.ReadOnly(world.Network.Chain.RpcUrl);
        var updated = web3.Eth.GetEvent<AnswerUpdatedEvent>(manifest.AddressOf(feed));
        var filter = updated.CreateFilterInput(new BlockParameter(manifest.Contracts[feed].BlockNumber), BlockParameter.CreateLatest());
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            var changes = await updated.GetAllChangesAsync(filter).WaitAsync(cancellationToken);
            if (changes.LastOrDefault(c => c.Event.RoundId > 1) is { } reported)
            {
                return reported.Event.Current;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }

        throw new ScenarioStepException(string.Create(CultureInfo.InvariantCulture,
            $"{feed} got no answer from the oracles within 90 s; see the oracle nodes' logs ({string.Join(", ", world.OracleNodes.Values.Select(n => n.LogPath))})"));
    }
}
