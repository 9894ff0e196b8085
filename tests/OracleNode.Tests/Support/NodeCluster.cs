using System.Numerics;
using System.Text.Json.Nodes;
using Nethereum.Contracts;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Chain.Deployment;

namespace OracleNode.Tests.Support;

/// <summary>
/// Oracle nodes as real processes on one <see cref="TestWorld"/>, each staked by its own key, and the helpers a test uses
/// to walk a dispute through its phases: the nodes draw, commit, reveal, execute and claim by themselves; the test only
/// moves the chain's clock to the next deadline once the nodes did what was due.
/// </summary>
internal sealed class NodeCluster : IAsyncDisposable
{
    private readonly List<NodeProcess> _nodes = [];

    private NodeCluster(TestWorld world) => World = world;

    public TestWorld World { get; }

    public IReadOnlyList<NodeProcess> Nodes => _nodes;

    /// <summary>Stakes one oracle per spec, writes each node's configuration and starts them all.</summary>
    public static async Task<NodeCluster> StartAsync(TestWorld world, IEnumerable<NodeSpec> specs, Action<JsonObject>? adjustAll = null)
    {
        var cluster = new NodeCluster(world);
        foreach (var spec in specs)
        {
            var (oracle, keystore) = await world.NewOracleAsync(spec.Stake);
            var folder = Directory.CreateDirectory(Path.Combine(world.Folder.FullName, spec.Name)).FullName;
            var store = Path.Combine(folder, "node.db");
            var config = Path.Combine(folder, "node.json");
            NodeProcess.WriteConfig(config, world, keystore, store, c =>
            {
                adjustAll?.Invoke(c);
                if (spec.Dishonest)
                {
                    ((JsonObject)c["Voting"]!)["InvertVotesForTesting"] = true;
                }

                spec.Adjust?.Invoke(c);
            });
            cluster._nodes.Add(new NodeProcess(spec.Name, oracle, config, store, Path.Combine(folder, "node.log")));
        }

        foreach (var node in cluster._nodes)
        {
            node.Start();
        }

        // Ready once each node's watcher runs (its store's tables exist then).
        foreach (var node in cluster._nodes)
        {
            await Eventually.WaitAsync(() => Task.FromResult(node.Log().Contains("watching from block", StringComparison.Ordinal)), TimeSpan.FromSeconds(90),
                () => $"{node.Name} did not start\n{node.Log()}");
        }

        return cluster;
    }

    public NodeProcess Node(string name) => _nodes.Single(n => n.Name == name);

    public NodeProcess? NodeOf(string address) => _nodes.FirstOrDefault(n => string.Equals(n.Oracle.Address, address, StringComparison.OrdinalIgnoreCase));

    /// <summary>Every node's log, for a failing test's message.</summary>
    public string Logs(int lastLines = 40)
        => string.Join("\n", _nodes.Select(n => $"===== {n.Name} ({n.Oracle.Address})\n" + string.Join('\n', n.Log().Split('\n').TakeLast(lastLines))));

    /// <summary>The committee of a round, once a node drew it.</summary>
    public async Task<CommitteeDrawnEvent> CommitteeAsync(ulong disputeId, byte round, TimeSpan? timeout = null)
    {
        CommitteeDrawnEvent? drawn = null;
        await Eventually.WaitAsync(async () => (drawn = await FindAsync<CommitteeDrawnEvent>(e => e.DisputeId == disputeId && e.Round == round)) is not null,
            timeout ?? TimeSpan.FromSeconds(90), () => $"no committee drawn for dispute {disputeId} round {round}\n{Logs()}");
        return drawn!;
    }

    /// <summary>Waits until each of <paramref name="jurors"/> has a commitment on-chain.</summary>
    public Task CommittedAsync(ulong disputeId, byte round, IEnumerable<string> jurors, TimeSpan? timeout = null)
        => JurorsAsync(disputeId, round, jurors, v => v.Commitment.Any(b => b != 0), "committed", timeout);

    /// <summary>Waits until each of <paramref name="jurors"/> revealed.</summary>
    public Task RevealedAsync(ulong disputeId, byte round, IEnumerable<string> jurors, TimeSpan? timeout = null)
        => JurorsAsync(disputeId, round, jurors, v => v.Vote != 0, "revealed", timeout);

    /// <summary>The executed ruling, once a node executed it.</summary>
    public async Task<RulingExecutedEvent> RulingAsync(ulong disputeId, TimeSpan? timeout = null)
    {
        RulingExecutedEvent? ruling = null;
        await Eventually.WaitAsync(async () => (ruling = await FindAsync<RulingExecutedEvent>(e => e.DisputeId == disputeId)) is not null,
            timeout ?? TimeSpan.FromSeconds(90), () => $"dispute {disputeId} was not executed\n{Logs()}");
        return ruling!;
    }

    /// <summary>Moves the chain's clock to <paramref name="unixTime"/> (if it is not past it) and mines a block there.</summary>
    public async Task ClockToAsync(ulong unixTime)
    {
        var now = await World.Chain.LatestTimestampAsync();
        if (unixTime > now)
        {
            await World.Chain.IncreaseTimeAsync(TimeSpan.FromSeconds(unixTime - now));
        }
    }

    /// <summary>
    /// Walks one round through its phases: evidence cutoff (the nodes decide and commit), commit deadline (they reveal),
    /// reveal deadline, and returns the committee. <paramref name="voters"/> are the committee members expected to vote
    /// (the running nodes by default).
    /// </summary>
    public async Task<CommitteeDrawnEvent> PlayRoundAsync(ulong disputeId, byte round, Func<CommitteeDrawnEvent, Task>? afterDraw = null, IEnumerable<string>? voters = null)
    {
        var drawn = await CommitteeAsync(disputeId, round);
        if (afterDraw is not null)
        {
            await afterDraw(drawn);
        }

        var jurors = (voters ?? drawn.Committee.Where(a => NodeOf(a) is { IsRunning: true })).Select(a => a.ToLowerInvariant()).Distinct().ToList();
        var commitPeriod = (ulong)World.Parameters.CommitPeriod.TotalSeconds;
        await ClockToAsync(drawn.CommitDeadline - commitPeriod / 2 + 1);
        await CommittedAsync(disputeId, round, jurors);
        await ClockToAsync(drawn.CommitDeadline + 1);
        await RevealedAsync(disputeId, round, jurors);
        await ClockToAsync(drawn.RevealDeadline + 1);
        return drawn;
    }

    /// <summary>Plays round 0 and waits for the ruling (the last round when nobody appeals: after its appeal window).</summary>
    public async Task<(CommitteeDrawnEvent Drawn, RulingExecutedEvent Ruling)> PlayToRulingAsync(ulong disputeId, Func<CommitteeDrawnEvent, Task>? afterDraw = null)
    {
        var drawn = await PlayRoundAsync(disputeId, 0, afterDraw);
        await ClockToAsync(drawn.AppealDeadline + 1);
        return (drawn, await RulingAsync(disputeId));
    }

    /// <summary>
    /// The session's evidence key sealed to each member of <paramref name="drawn"/>'s committee (EvidenceKeyDisclosure,
    /// docs/protocol.md §5.5), as a party puts it in a document once the committee is drawn.
    /// </summary>
    public List<(string Recipient, byte[] Sealed)> Disclose(CommitteeDrawnEvent drawn, ulong sessionId, byte[] key)
        => [.. drawn.Committee.Distinct(StringComparer.OrdinalIgnoreCase).Select(a =>
        {
            var node = NodeOf(a) ?? throw new InvalidOperationException($"{a} is not a node of the cluster");
            var context = new Oracle.Core.Evidence.EvidenceKeyContext((ulong)World.Chain.ChainId, World.AddressOf(ContractNames.SessionManager), sessionId, a);
            return (a.ToLowerInvariant(), Oracle.Core.Evidence.EvidenceKeyDisclosure.Seal(key, node.Oracle.Key.GetPubKey(), context));
        })];

    /// <summary>The first event of <typeparamref name="T"/> from the DisputeManager matching <paramref name="match"/>.</summary>
    public async Task<T?> FindAsync<T>(Func<T, bool> match)
        where T : class, Nethereum.ABI.FunctionEncoding.Attributes.IEventDTO, new()
        => (await AllAsync<T>()).FirstOrDefault(match);

    /// <summary>Every event of <typeparamref name="T"/> from the DisputeManager so far.</summary>
    public async Task<List<T>> AllAsync<T>()
        where T : class, Nethereum.ABI.FunctionEncoding.Attributes.IEventDTO, new()
    {
        var handler = World.Chain.ReadOnly.Eth.GetEvent<T>(World.AddressOf(ContractNames.DisputeManager));
        var logs = await handler.GetAllChangesAsync(handler.CreateFilterInput(new BlockParameter(new HexBigInteger(World.Manifest.Contracts[ContractNames.DisputeManager].BlockNumber)), BlockParameter.CreateLatest()));
        return [.. logs.Select(l => l.Event)];
    }

    private async Task JurorsAsync(ulong disputeId, byte round, IEnumerable<string> jurors, Func<Oracle.Chain.Contracts.JurorVote, bool> done, string what, TimeSpan? timeout)
    {
        var list = jurors.ToList();
        var pending = list;
        await Eventually.WaitAsync(async () =>
        {
            var left = new List<string>();
            foreach (var juror in list)
            {
                if (!done((await World.Deployer.Disputes.JurorVoteQueryAsync(disputeId, round, juror)).Vote))
                {
                    left.Add(juror);
                }
            }

            pending = left;
            return left.Count == 0;
        }, timeout ?? TimeSpan.FromSeconds(90), () => $"dispute {disputeId} round {round}: not {what}: {string.Join(", ", pending.Select(p => NodeOf(p)?.Name ?? p))}\n{Logs()}");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }
}
