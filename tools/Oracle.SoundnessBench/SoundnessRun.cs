using System.Globalization;
using System.Numerics;
using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Testing;
using OracleNode.Tests.Support;

namespace Oracle.SoundnessBench;

/// <summary>
/// Deploys a network with short real-time phases, starts the honest and dishonest nodes (the dishonest ones with the
/// test switch that votes against the evidence), runs the scripted disputes a few at a time, then waits for the nodes
/// to settle and claim, and adds up what happened from the chain's events.
/// </summary>
internal sealed class SoundnessRun(ChainFixture chain, BenchSettings settings, TextWriter progress)
{
    public async Task<SoundnessResult> RunAsync(CancellationToken cancellationToken)
    {
        var phase = TimeSpan.FromSeconds(settings.PhaseSeconds);
        var parameters = TestWorld.TestParameters with
        {
            CommitPeriod = phase,
            RevealPeriod = phase,
            AppealPeriod = phase,
            DrawingPeriod = phase * 4,
            MaxRounds = 3,
        };
        var world = await TestWorld.DeployAsync(parameters, chain);
        // Blocks every second besides the ones transactions make: the chain's clock runs like a public chain's.
        await chain.RpcAsync<object>("evm_setIntervalMining", 1000);
        progress.WriteLine($"network deployed; starting {settings.Honest} honest and {settings.Dishonest} dishonest nodes");
        var specs = Enumerable.Range(1, settings.Honest).Select(i => new NodeSpec($"honest-{i}", 10_000))
            .Concat(Enumerable.Range(1, settings.Dishonest).Select(i => new NodeSpec($"dishonest-{i}", 10_000, Dishonest: true)));
        await using var collector = await EvidenceServer.StartAsync(world);
        await using var cluster = await NodeCluster.StartAsync(world, specs, c =>
        {
            c["Evidence"] = new System.Text.Json.Nodes.JsonObject { ["Collectors"] = new System.Text.Json.Nodes.JsonArray(collector.Url) };
            c["Node"]!["TickInterval"] = "00:00:01";
            c["Keeper"]!["Slot"] = "00:00:02";
            c["Voting"]!["DeadlineWarning"] = "00:00:05";
        });
        var dishonest = cluster.Nodes.Where(n => n.Name.StartsWith("dishonest", StringComparison.Ordinal)).Select(n => n.Oracle.Address.ToLowerInvariant()).ToHashSet();
        var providers = new List<Party>();
        for (var i = 0; i < Math.Min(settings.Concurrency, 10); i++)
        {
            var provider = await world.NewProviderAsync(Policies.Exit);
            await world.BuyAsync(provider, TestWorld.Vpn(20_000));
            providers.Add(provider);
        }

        progress.WriteLine($"{cluster.Nodes.Count} nodes ready; {settings.Disputes} disputes, {settings.Concurrency} at a time, phases of {settings.PhaseSeconds} s");
        var random = new Random(settings.Seed);
        var truths = Enumerable.Range(0, settings.Disputes).Select(_ => random.Next(2) == 0).ToList();
        using var slots = new SemaphoreSlim(settings.Concurrency);
        var done = 0;
        var outcomes = await Task.WhenAll(truths.Select(async (truth, i) =>
        {
            await slots.WaitAsync(cancellationToken);
            try
            {
                var outcome = await new DisputeScript(world, cluster, collector, providers[i % providers.Count], (byte)settings.CommitteeSize, i % 3, truth).RunAsync(cancellationToken);
                progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[{Interlocked.Increment(ref done)}/{truths.Count}] dispute {outcome.DisputeId}: {(truth ? "true" : "false")} {outcome.Claim}, rounds {string.Join(" ", outcome.RoundRulings.Select(r => r ? "U" : "R"))}, final {(outcome.FinalUpheld ? "Upheld" : "Rejected")} {(outcome.Correct ? "correct" : "WRONG")} after {outcome.Seconds} s"));
                return outcome;
            }
            finally
            {
                slots.Release();
            }
        }));

        progress.WriteLine("all rulings executed; waiting for the nodes to settle the rounds and claim");
        await SettledAsync(world, cluster, outcomes, cancellationToken);
        var slashed = await cluster.AllAsync<JurorSlashedEvent>();
        var rewards = await cluster.AllAsync<RewardClaimedEvent>();
        var committees = await cluster.AllAsync<CommitteeDrawnEvent>();
        var missed = 0;
        foreach (var node in cluster.Nodes)
        {
            missed += (await node.Store.AlertsAsync(10_000, cancellationToken)).Count(a => a.Kind is "missed-commit" or "missed-reveal" or "vote-lost" or "commitment-mismatch");
        }

        bool IsDishonest(string a) => dishonest.Contains(a.ToLowerInvariant());
        var drawn = outcomes.Where(o => committees.Any(c => c.DisputeId == o.DisputeId && c.Committee.Any(IsDishonest))).ToList();
        var unpunished = drawn.Count(o => !slashed.Any(s => s.DisputeId == o.DisputeId && IsDishonest(s.Juror)));
        var dishonestLost = slashed.Where(s => IsDishonest(s.Juror)).Aggregate(BigInteger.Zero, (sum, s) => sum + s.Amount);
        var honestGained = rewards.Where(r => !IsDishonest(r.Juror)).Aggregate(BigInteger.Zero, (sum, r) => sum + r.Amount)
            - slashed.Where(s => !IsDishonest(s.Juror)).Aggregate(BigInteger.Zero, (sum, s) => sum + s.Amount);
        return new SoundnessResult
        {
            Disputes = outcomes.Length,
            CorrectRulings = outcomes.Count(o => o.Correct),
            Appeals = outcomes.Sum(o => o.Appeals),
            DishonestStakeLost = Vpn(dishonestLost),
            HonestStakeGained = Vpn(honestGained),
            MeanSecondsToRuling = outcomes.Average(o => (double)o.Seconds),
            Rounds = outcomes.Sum(o => o.RoundRulings.Count),
            WrongRoundRulings = outcomes.Sum(o => o.RoundRulings.Count(r => r != o.Truth)),
            DishonestDrawnDisputes = drawn.Count,
            DishonestUnpunishedDisputes = unpunished,
            DeadlinesMissed = missed,
            PhaseSeconds = settings.PhaseSeconds,
            Nodes = cluster.Nodes.Count,
            DishonestNodes = dishonest.Count,
            DishonestStakeShare = (double)settings.Dishonest / (settings.Honest + settings.Dishonest),
            ByClaim = outcomes.GroupBy(o => o.Claim).ToDictionary(g => g.Key, g => $"{g.Count(o => o.Correct)}/{g.Count()}"),
        };
    }

    // Every round with an incoherent seat settled (its slashing is what the figures count), and the coherent seats' claims in.
    private async Task SettledAsync(TestWorld world, NodeCluster cluster, IReadOnlyList<DisputeOutcome> outcomes, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (DateTime.UtcNow < deadline)
        {
            var pending = 0;
            foreach (var outcome in outcomes)
            {
                for (byte round = 0; round < outcome.RoundRulings.Count; round++)
                {
                    var info = (await world.Deployer.Disputes.RoundInfoQueryAsync(outcome.DisputeId, round, null, cancellationToken)).Info;
                    var coherent = info.Ruling == 1 ? info.UpheldSeats : info.RejectedSeats;
                    if (!info.Settled && coherent != info.Size)
                    {
                        pending++;
                    }
                }
            }

            if (pending == 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken);
                return;
            }

            progress.WriteLine($"{pending} round(s) not settled yet");
            await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
        }

        progress.WriteLine("some rounds stayed unsettled: their slashing is not counted");
        _ = cluster;
    }

    private static decimal Vpn(BigInteger units) => (decimal)units / 1_000_000_000_000_000_000m;
}
