using System.Text.Json.Nodes;
using OracleNode.Judging;
using OracleNode.Tests.Support;
using OracleNode.Voting;

namespace OracleNode.Tests.Scenarios;

/// <summary>
/// A node process that dies in the middle of its vote — right after journaling vote and salt (before the commit is
/// sent), or between commit and reveal — is started again on its store and completes the same vote: the commitment it
/// sends is the journaled one and its reveal matches it, before the deadline.
/// </summary>
public sealed class CrashTests : IAsyncLifetime
{
    private TestWorld _world = null!;
    private NodeCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _world = await TestWorld.DeployAsync();
        // Named panels seat exactly these three nodes; "crashing" dies at the step its test names.
        _cluster = await NodeCluster.StartAsync(_world, [new NodeSpec("steady-1", 20_000), new NodeSpec("steady-2", 20_000), new NodeSpec("crashing", 20_000)]);
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Theory]
    [InlineData("journal")]
    [InlineData("commit")]
    public async Task Node_KilledMidVote_RestartsAndRevealsTheJournaledVote(string step)
    {
        var crashing = _cluster.Node("crashing");
        await crashing.KillAsync();
        SetCrashSwitch(crashing, step);
        crashing.Start();
        var (id, panel) = await FileUnprovenClaimAsync();
        var drawn = await _cluster.CommitteeAsync(id, 0);
        await _cluster.ClockToAsync(drawn.CommitDeadline - (ulong)_world.Parameters.CommitPeriod.TotalSeconds / 2 + 1);

        await Eventually.WaitAsync(() => Task.FromResult(!crashing.IsRunning), TimeSpan.FromSeconds(60), () => $"the node did not crash after {step}\n{crashing.Log()}");
        var record = (await crashing.Store.DisputeAsync(id, default))!.RecordHash;
        var journaled = await crashing.Store.JournalAsync(id, 0, record, default);
        Assert.NotNull(journaled);
        var onChain = (await _world.Deployer.Disputes.JurorVoteQueryAsync(id, 0, crashing.Oracle.Address)).Vote;
        Assert.Equal(step == "commit", !VoteCommitment.IsEmpty(onChain.Commitment));

        SetCrashSwitch(crashing, null);
        crashing.Start();
        await _cluster.CommittedAsync(id, 0, panel);
        onChain = (await _world.Deployer.Disputes.JurorVoteQueryAsync(id, 0, crashing.Oracle.Address)).Vote;
        Assert.True(VoteCommitment.Matches(journaled.Commitment, onChain.Commitment), "the commitment on-chain is not the one journaled before the crash");
        await _cluster.ClockToAsync(drawn.CommitDeadline + 1);
        await _cluster.RevealedAsync(id, 0, panel);
        await _cluster.ClockToAsync(drawn.AppealDeadline + 1);
        var ruling = await _cluster.RulingAsync(id);

        Assert.Equal(2, ruling.Ruling);
        Assert.Equal(journaled.Vote, (await _world.Deployer.Disputes.JurorVoteQueryAsync(id, 0, crashing.Oracle.Address)).Vote.Vote);
        Assert.Single(await crashing.Store.JournalAsync(100, default), e => e.DisputeId == (long)id);
        Assert.DoesNotContain(await crashing.Store.AlertsAsync(100, default), a => a.Kind.StartsWith("missed", StringComparison.Ordinal));
    }

    private void SetCrashSwitch(NodeProcess node, string? step)
    {
        var path = Path.Combine(Path.GetDirectoryName(node.StorePath)!, "node.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        ((JsonObject)config["Voting"]!)["CrashAfterForTesting"] = step;
        File.WriteAllText(path, config.ToJsonString());
    }

    // A claim without evidence, which every honest node votes Rejected (a claim with an on-chain record proof is decided
    // at filing, without a committee): the votes, not the evidence, are what these tests are about.
    private async Task<(ulong Id, List<string> Panel)> FileUnprovenClaimAsync()
    {
        var panel = _cluster.Nodes.Select(n => n.Oracle.Address).OrderBy(a => a.ToLowerInvariant(), StringComparer.Ordinal).ToList();
        var provider = await _world.NewProviderAsync(Policies.Exit);
        var client = await _world.NewPartyAsync(vpn: 500);
        var (sessionId, terms) = await _world.OpenSessionAsync(client, provider, Policies.Exit, committee: 3, panel: panel);
        var (id, _) = await Claims.FileAsync(_world, provider, sessionId, terms, ClaimNames.ClientBreachedPolicy, 7,
            Claims.Document(sessionId, Policies.Exit), panel: panel);
        return (id, panel);
    }
}
