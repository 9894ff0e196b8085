using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Core.Evidence;
using OracleNode.Judging;
using OracleNode.Tests.Support;

namespace OracleNode.Tests.Scenarios;

/// <summary>
/// A session with a named panel (the nodes serve it like a drawn committee) on which one node votes against the evidence
/// (its test switch) and the evidence is a record a collector serves: the honest majority rules, the dishonest node is slashed and the majority rewarded.
/// </summary>
public sealed class PanelAndDishonestTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private TestWorld World => fixture.World;

    private NodeCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task NamedPanel_DishonestMember_SlashedAndMajorityRewarded()
    {
        var dishonest = Cluster.Node("dishonest").Oracle.Address;
        var honest = new[] { Cluster.Node("honest-1").Oracle.Address, Cluster.Node("honest-2").Oracle.Address };
        var panel = honest.Append(dishonest).OrderBy(a => Convert.FromHexString(a[2..]), new BytesComparer()).ToList();
        var provider = await World.NewProviderAsync(Policies.Exit);
        var client = await World.NewPartyAsync(vpn: 1_500);
        var (sessionId, terms) = await World.OpenSessionAsync(client, provider, Policies.Exit, committee: 3, panel: panel);
        var log = new SessionLog(World, sessionId, client, provider);
        var smb = log.Add(log.Flow("198.51.100.9", 445, FlowVerdict.Allowed, 0));
        var key = RecordSealer.NewKey();
        await fixture.First.PublishAsync(log, key);
        var (id, record) = await Claims.FileAsync(World, client, sessionId, terms, ClaimNames.ProviderBreachedPolicy, 7,
            Claims.Document(sessionId, Policies.Exit, [smb]), panel: panel);

        var (drawn, ruling) = await Cluster.PlayToRulingAsync(id, d => Claims.SubmitAsync(client, id, record, Claims.Document(sessionId, disclosures: Cluster.Disclose(d, sessionId, key), disputeId: id)));

        Assert.Equal(panel.Select(a => a.ToLowerInvariant()), drawn.Committee.Select(a => a.ToLowerInvariant()));
        Assert.Equal(1, ruling.Ruling);
        await Eventually.WaitAsync(async () => (await Cluster.AllAsync<RewardClaimedEvent>()).Count(r => r.DisputeId == id) == 2,
            TimeSpan.FromSeconds(60), () => "the two honest panel members did not claim their rewards\n" + Cluster.Logs());
        var slashed = Assert.Single(await Cluster.AllAsync<JurorSlashedEvent>(), s => s.DisputeId == id);
        Assert.Equal(dishonest, slashed.Juror, ignoreCase: true);
        Assert.Equal(World.Parameters.LockPerSeat, slashed.Amount);
        var rewards = (await Cluster.AllAsync<RewardClaimedEvent>()).Where(r => r.DisputeId == id).ToList();
        Assert.Equal(honest.Order(StringComparer.OrdinalIgnoreCase), rewards.Select(r => r.Juror).Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
        // Each coherent seat shares the round's fees and the slashed seat's lock.
        var expected = (World.Parameters.FeePerSeat * 3 + World.Parameters.LockPerSeat) / 2;
        Assert.All(rewards, r => Assert.Equal(expected, r.Amount));
    }

    private sealed class BytesComparer : IComparer<byte[]>
    {
        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
