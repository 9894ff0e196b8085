using Oracle.Chain.Contracts.DisputeManager;
using OracleNode.Judging;
using OracleNode.Tests.Support;
using OracleNode.Voting;

namespace OracleNode.Tests.Scenarios;

/// <summary>
/// A reorganization during a dispute (the chain reverted to a snapshot and continued on another branch): the nodes'
/// watchers roll their projections back, no node votes twice (each sends the commitment it journaled before, never a new
/// vote), and none misses a phase.
/// </summary>
public sealed class ReorgTests : IAsyncLifetime
{
    private TestWorld _world = null!;
    private NodeCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _world = await TestWorld.DeployAsync();
        _cluster = await NodeCluster.StartAsync(_world, [new NodeSpec("a", 20_000), new NodeSpec("b", 20_000), new NodeSpec("c", 20_000)]);
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Reorganization_AfterTheCommits_SameCommitmentsAgainAndOneRevealEach()
    {
        var (id, panel) = await FileUnprovenClaimAsync();
        var drawn = await _cluster.CommitteeAsync(id, 0);
        var fork = await _world.Chain.SnapshotAsync();
        await _cluster.ClockToAsync(drawn.CommitDeadline - (ulong)_world.Parameters.CommitPeriod.TotalSeconds / 2 + 1);
        await _cluster.CommittedAsync(id, 0, panel);
        var journaled = new Dictionary<string, string>();
        foreach (var node in _cluster.Nodes)
        {
            var record = (await node.Store.DisputeAsync(id, default))!.RecordHash;
            journaled[node.Name] = (await node.Store.JournalAsync(id, 0, record, default))!.Commitment;
        }

        // The commits leave the chain; another branch grows from the fork point.
        await _world.Chain.RevertAsync(fork);
        await _world.Chain.MineAsync(3);
        Assert.DoesNotContain(await _cluster.AllAsync<VoteCommittedEvent>(), e => e.DisputeId == id);

        await _cluster.ClockToAsync(drawn.CommitDeadline - (ulong)_world.Parameters.CommitPeriod.TotalSeconds / 2 + 1);
        await _cluster.CommittedAsync(id, 0, panel);
        foreach (var node in _cluster.Nodes)
        {
            var onChain = (await _world.Deployer.Disputes.JurorVoteQueryAsync(id, 0, node.Oracle.Address)).Vote;
            Assert.True(VoteCommitment.Matches(journaled[node.Name], onChain.Commitment), $"{node.Name} committed something else than its journaled vote after the reorganization");
        }

        await _cluster.ClockToAsync(drawn.CommitDeadline + 1);
        await _cluster.RevealedAsync(id, 0, panel);
        await _cluster.ClockToAsync(drawn.AppealDeadline + 1);
        var ruling = await _cluster.RulingAsync(id);

        Assert.Equal(2, ruling.Ruling);
        var reveals = (await _cluster.AllAsync<VoteRevealedEvent>()).Where(e => e.DisputeId == id).ToList();
        Assert.Equal(panel.Order(StringComparer.OrdinalIgnoreCase), reveals.Select(r => r.Juror).Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
        Assert.All(reveals, r => Assert.Equal(2, r.Vote));
        foreach (var node in _cluster.Nodes)
        {
            Assert.Single(await node.Store.JournalAsync(100, default), e => e.DisputeId == (long)id);
            Assert.DoesNotContain(await node.Store.AlertsAsync(100, default), a => a.Kind is "missed-commit" or "missed-reveal" or "commitment-mismatch" or "vote-lost");
        }
    }

    [Fact]
    public async Task Reorganization_TakingTheDrawAway_DrawnAgainAndEachJurorVotesOnce()
    {
        // A drawn committee (no panel): the branch that replaces the draw may seat other nodes.
        var (id, _) = await FileUnprovenClaimAsync(panel: false);
        var fork = await _world.Chain.SnapshotAsync();
        var drawn = await _cluster.CommitteeAsync(id, 0);
        await _cluster.ClockToAsync(drawn.CommitDeadline - (ulong)_world.Parameters.CommitPeriod.TotalSeconds / 2 + 1);
        await _cluster.CommittedAsync(id, 0, drawn.Committee.Distinct(StringComparer.OrdinalIgnoreCase));

        await _world.Chain.RevertAsync(fork);
        await _world.Chain.MineAsync(2);
        Assert.DoesNotContain(await _cluster.AllAsync<CommitteeDrawnEvent>(), e => e.DisputeId == id);

        var (again, ruling) = await _cluster.PlayToRulingAsync(id);

        Assert.Equal(2, ruling.Ruling);
        var reveals = (await _cluster.AllAsync<VoteRevealedEvent>()).Where(e => e.DisputeId == id).ToList();
        Assert.Equal(again.Committee.Distinct(StringComparer.OrdinalIgnoreCase).Count(), reveals.Count);
        Assert.Equal(reveals.Count, reveals.Select(r => r.Juror.ToLowerInvariant()).Distinct().Count());
        foreach (var node in _cluster.Nodes)
        {
            Assert.True((await node.Store.JournalAsync(100, default)).Count(e => e.DisputeId == (long)id) <= 1, $"{node.Name} journaled two votes for one seat");
            Assert.DoesNotContain(await node.Store.AlertsAsync(100, default), a => a.Kind is "missed-commit" or "missed-reveal" or "commitment-mismatch" or "vote-lost");
        }
    }

    // A claim without evidence, which every honest node votes Rejected (a claim with an on-chain record proof is decided
    // at filing, without a committee): the votes, not the evidence, are what these tests are about.
    private async Task<(ulong Id, List<string> Panel)> FileUnprovenClaimAsync(bool panel = true)
    {
        var members = panel ? _cluster.Nodes.Select(n => n.Oracle.Address).OrderBy(a => a.ToLowerInvariant(), StringComparer.Ordinal).ToList() : [];
        var provider = await _world.NewProviderAsync(Policies.Exit);
        var client = await _world.NewPartyAsync(vpn: 500);
        var (sessionId, terms) = await _world.OpenSessionAsync(client, provider, Policies.Exit, committee: 3, panel: members);
        var (id, _) = await Claims.FileAsync(_world, provider, sessionId, terms, ClaimNames.ClientBreachedPolicy, 7,
            Claims.Document(sessionId, Policies.Exit), panel: members);
        return (id, members);
    }
}
