using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Core.Evidence;
using OracleNode.Judging;
using OracleNode.Tests.Support;

namespace OracleNode.Tests.Scenarios;

/// <summary>
/// Claims of every type, true and false, ruled end to end by node processes that draw (answering the VRF requests),
/// judge from the collectors' proofs and the chain's anchors, commit, reveal, execute and claim without anyone calling a
/// contract by hand; and the attacks on their evidence: a forged checkpoint signature, a proof that does not match the
/// anchor, a collector that lies, a collector that is down.
/// </summary>
public sealed class ClaimTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private const byte Upheld = 1;
    private const byte Rejected = 2;

    private TestWorld World => fixture.World;

    private NodeCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task ClientBreachedPolicy_RecordProvenAtFiling_UpheldAndExecutedByTheNodes()
    {
        // The contract checked the record under the client's voucher: decided at filing, no committee; a node executes it.
        var c = await SessionAsync();
        var smb = c.Log.Add(c.Log.Flow("198.51.100.9", 445, FlowVerdict.Denied, 7));
        var (id, _) = await Claims.FileAsync(World, c.Provider, c.SessionId, c.Terms, ClaimNames.ClientBreachedPolicy, 7,
            Claims.Document(c.SessionId, Policies.Exit), proof: c.Log.Proof(smb));

        var ruling = await Cluster.RulingAsync(id);

        Assert.Equal(Upheld, ruling.Ruling);
        Assert.Equal(c.Provider.Address, ruling.Winner, ignoreCase: true);
        Assert.DoesNotContain(await Cluster.AllAsync<VoteCommittedEvent>(), e => e.DisputeId == id);
    }

    [Fact]
    public async Task ClientBreachedPolicy_CoSignedDeniedSmbRecordFromTheCollector_Upheld()
    {
        var c = await SessionAsync();
        c.Log.Add(c.Log.Flow("198.51.100.10", 443, FlowVerdict.Allowed, 0));
        var smb = c.Log.Add(c.Log.Flow("198.51.100.9", 445, FlowVerdict.Denied, 7));
        await fixture.First.PublishAsync(c.Log, c.Key);

        var (id, drawn, ruling) = await RuleAsync(c, c.Provider, ClaimNames.ClientBreachedPolicy, 7, [smb]);

        Assert.Equal(Upheld, ruling.Ruling);
        await AssertHonestVotesAsync(id, drawn, Upheld, "co-signed by the client");
    }

    [Fact]
    public async Task ClientBreachedPolicy_RecordThePolicyAllows_Rejected()
    {
        // "Denied by rule 7" on a flow to port 80, which the policy allows: the nodes evaluate the record and reject.
        var c = await SessionAsync();
        var web = c.Log.Add(c.Log.Flow("198.51.100.12", 80, FlowVerdict.Denied, 7));
        await fixture.First.PublishAsync(c.Log, c.Key);

        var (id, drawn, ruling) = await RuleAsync(c, c.Provider, ClaimNames.ClientBreachedPolicy, 7, [web]);

        Assert.Equal(Rejected, ruling.Ruling);
        Assert.Equal(c.Client.Address, ruling.Winner, ignoreCase: true);
        await AssertHonestVotesAsync(id, drawn, Rejected, "the policy decides (Allow");
    }

    [Fact]
    public async Task ClientBreachedPolicy_RecordNotCoSigned_Rejected()
    {
        // The provider's word alone (no voucher of the client over the checkpoint) does not prove a client's breach.
        var c = await SessionAsync();
        var smb = c.Log.Add(c.Log.Flow("198.51.100.9", 445, FlowVerdict.Denied, 7));
        await fixture.First.PublishAsync(c.Log, c.Key, voucher: false);

        var (id, drawn, ruling) = await RuleAsync(c, c.Provider, ClaimNames.ClientBreachedPolicy, 7, [smb]);

        Assert.Equal(Rejected, ruling.Ruling);
        await AssertHonestVotesAsync(id, drawn, Rejected, "not co-signed by the client");
    }

    [Fact]
    public async Task ClientBreachedPolicy_NoEvidence_RejectedAsNotProven()
    {
        var c = await SessionAsync();
        var (id, _) = await Claims.FileAsync(World, c.Provider, c.SessionId, c.Terms, ClaimNames.ClientBreachedPolicy, 7, Claims.Document(c.SessionId, Policies.Exit));

        var (drawn, ruling) = await Cluster.PlayToRulingAsync(id);

        Assert.Equal(Rejected, ruling.Ruling);
        await AssertHonestVotesAsync(id, drawn, Rejected, "not proven");
    }

    [Fact]
    public async Task ProviderBreachedPolicy_AllowedSmbRecord_Upheld()
    {
        // The provider's gateway carried SMB, which the agreed policy denies by rule 7.
        var c = await SessionAsync();
        c.Log.Add(c.Log.Flow("198.51.100.10", 443, FlowVerdict.Allowed, 0));
        var smb = c.Log.Add(c.Log.Flow("198.51.100.9", 445, FlowVerdict.Allowed, 0));
        await fixture.First.PublishAsync(c.Log, c.Key);

        var (id, drawn, ruling) = await RuleAsync(c, c.Client, ClaimNames.ProviderBreachedPolicy, 7, [smb]);

        Assert.Equal(Upheld, ruling.Ruling);
        Assert.Equal(c.Client.Address, ruling.Winner, ignoreCase: true);
        await AssertHonestVotesAsync(id, drawn, Upheld, "carried although the policy denies it");

        // The operator's view explains the vote: the rule that decided, the record, where it was proven and anchored.
        var juror = drawn.Committee.Select(Cluster.NodeOf).OfType<NodeProcess>().First(n => n.Name != "dishonest");
        var (exit, output, error) = await NodeCli.RunAsync("status", "--reasons", "--config", Path.Combine(Path.GetDirectoryName(juror.StorePath)!, "node.json"));
        Assert.True(exit == 0, error);
        var plain = System.Text.RegularExpressions.Regex.Replace(output, "\u001b\\[[0-9;]*m", "");
        var explained = string.Join(' ', plain.Split((char[])['\n', '\r'], StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()));
        Assert.Contains($"dispute {id} round 0: Upheld", explained, StringComparison.Ordinal);
        Assert.Contains($"record {smb} proven (collector ", explained, StringComparison.Ordinal);
        Assert.Contains("anchored in log", explained, StringComparison.Ordinal);
        Assert.Contains("ProviderBreachedPolicy: upheld", explained, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProviderBreachedPolicy_AllowedWebRecord_Rejected()
    {
        var c = await SessionAsync();
        var web = c.Log.Add(c.Log.Flow("198.51.100.10", 443, FlowVerdict.Allowed, 0));
        await fixture.First.PublishAsync(c.Log, c.Key);

        var (id, drawn, ruling) = await RuleAsync(c, c.Client, ClaimNames.ProviderBreachedPolicy, 7, [web]);

        Assert.Equal(Rejected, ruling.Ruling);
        await AssertHonestVotesAsync(id, drawn, Rejected, "no breach of rule 7");
    }

    [Fact]
    public async Task ProviderWithheldService_WebDroppedByRule7_Upheld()
    {
        // The gateway dropped a web flow "by rule 7", which the policy allows.
        var c = await SessionAsync();
        var web = c.Log.Add(c.Log.Flow("198.51.100.12", 80, FlowVerdict.Denied, 7));
        await fixture.First.PublishAsync(c.Log, c.Key);

        var (id, drawn, ruling) = await RuleAsync(c, c.Client, ClaimNames.ProviderWithheldService, 7, [web]);

        Assert.Equal(Upheld, ruling.Ruling);
        await AssertHonestVotesAsync(id, drawn, Upheld, "dropped by rule 7 although the policy allows it");
    }

    [Fact]
    public async Task ProviderWithheldService_SmbDroppedByRule7_Rejected()
    {
        var c = await SessionAsync();
        var smb = c.Log.Add(c.Log.Flow("198.51.100.9", 445, FlowVerdict.Denied, 7));
        await fixture.First.PublishAsync(c.Log, c.Key);

        var (id, drawn, ruling) = await RuleAsync(c, c.Client, ClaimNames.ProviderWithheldService, 7, [smb]);

        Assert.Equal(Rejected, ruling.Ruling);
        await AssertHonestVotesAsync(id, drawn, Rejected, "no service withheld");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ProviderOvercharged_PaidAgainstTheAnchoredLog_RuledByThePrice(bool overpaid)
    {
        // The log holds 300,000 allowed octets (a fraction of a VPN at 0.001 VPN per MiB); the provider settles either
        // the client's voucher for them or one for 50 VPN that the client's software was made to sign.
        var c = await SessionAsync();
        for (var i = 0; i < 3; i++)
        {
            c.Log.Add(c.Log.Flow($"198.51.100.{20 + i}", 443, FlowVerdict.Allowed, 0));
        }

        c.Log.Add(c.Log.Flow("198.51.100.9", 445, FlowVerdict.Denied, 7));
        await fixture.First.PublishAsync(c.Log, c.Key);
        var (binding, signature, _) = c.Log.Voucher(amount: overpaid ? TestWorld.Vpn(50) : null);
        await c.Provider.Sessions.SettleVoucherAsync(c.SessionId, c.Terms, binding, signature);

        var (id, drawn, ruling) = await RuleAsync(c, c.Client, ClaimNames.ProviderOvercharged, 0, []);

        Assert.Equal(overpaid ? Upheld : Rejected, ruling.Ruling);
        await AssertHonestVotesAsync(id, drawn, overpaid ? Upheld : Rejected, "4 records, 300000 allowed octets");
    }

    [Fact]
    public async Task ForgedCheckpointSignature_EveryHonestNodeVotesRejected()
    {
        // The client makes up a log in which the gateway carried SMB and signs its checkpoint itself; a collector serves
        // and anchors it. Nothing the provider signed says so.
        var c = await SessionAsync();
        var smb = c.Log.Add(c.Log.Flow("198.51.100.9", 445, FlowVerdict.Allowed, 0));
        await fixture.First.PublishAsync(c.Log, c.Key, forgedSigner: c.Client.Key);

        var (id, drawn, ruling) = await RuleAsync(c, c.Client, ClaimNames.ProviderBreachedPolicy, 7, [smb]);

        Assert.Equal(Rejected, ruling.Ruling);
        await AssertHonestVotesAsync(id, drawn, Rejected, "BadCheckpointSignature");
    }

    [Fact]
    public async Task ProofNotMatchingTheAnchor_EveryHonestNodeVotesRejected()
    {
        // A genuine checkpoint, served with an inclusion proof in a global log whose root the collector never anchored
        // (it anchored another root at that size): not anchored, so not proven.
        var c = await SessionAsync();
        var smb = c.Log.Add(c.Log.Flow("198.51.100.9", 445, FlowVerdict.Allowed, 0));
        await fixture.Second.PublishAsync(c.Log, c.Key, anchorForeignRoot: true);

        var (id, drawn, ruling) = await RuleAsync(c, c.Client, ClaimNames.ProviderBreachedPolicy, 7, [smb]);

        Assert.Equal(Rejected, ruling.Ruling);
        await AssertHonestVotesAsync(id, drawn, Rejected, "rejected against the anchor");
    }

    [Fact]
    public async Task FirstCollectorLies_SecondServesTheSignedRecord_Upheld()
    {
        var c = await SessionAsync();
        var smb = c.Log.Add(c.Log.Flow("198.51.100.9", 445, FlowVerdict.Allowed, 0));
        await fixture.First.PublishAsync(c.Log, c.Key);
        await fixture.Second.PublishAsync(c.Log, c.Key);
        fixture.First.Set(c.SessionId, EvidenceServer.Behaviour.Lies);

        var (id, drawn, ruling) = await RuleAsync(c, c.Client, ClaimNames.ProviderBreachedPolicy, 7, [smb]);

        Assert.Equal(Upheld, ruling.Ruling);
        await AssertHonestVotesAsync(id, drawn, Upheld, "InclusionInvalid");
    }

    [Fact]
    public async Task OnlyCollectorDown_NodesWaitUntilTheMarginThenVoteRejected()
    {
        var c = await SessionAsync();
        var smb = c.Log.Add(c.Log.Flow("198.51.100.9", 445, FlowVerdict.Allowed, 0));
        await fixture.First.PublishAsync(c.Log, c.Key);
        fixture.First.Set(c.SessionId, EvidenceServer.Behaviour.Down);
        var (id, record) = await Claims.FileAsync(World, c.Client, c.SessionId, c.Terms, ClaimNames.ProviderBreachedPolicy, 7, Claims.Document(c.SessionId, Policies.Exit, [smb]));
        var drawn = await Cluster.CommitteeAsync(id, 0);
        await Claims.SubmitAsync(c.Client, id, record, Claims.Document(c.SessionId, disclosures: Disclose(drawn, c), disputeId: id));
        var jurors = drawn.Committee.Select(a => a.ToLowerInvariant()).Distinct().ToList();

        // Past the cutoff the nodes judge, find the evidence incomplete and wait (no commitment) ...
        await Cluster.ClockToAsync(drawn.CommitDeadline - (ulong)World.Parameters.CommitPeriod.TotalSeconds / 2 + 1);
        var honest = jurors.Select(Cluster.NodeOf).OfType<NodeProcess>().First(n => n.Name != "dishonest");
        await Eventually.WaitAsync(() => Task.FromResult(honest.Log().Contains($"dispute {id} round 0: evidence incomplete", StringComparison.Ordinal)), TimeSpan.FromSeconds(60),
            () => "the node did not wait for the collector\n" + honest.Log());
        Assert.DoesNotContain(await Cluster.AllAsync<VoteCommittedEvent>(), e => e.DisputeId == id);

        // ... until Voting:DecisionMargin (5 minutes) before the commit deadline: then what is missing is not proven.
        await Cluster.ClockToAsync(drawn.CommitDeadline - 300 + 1);
        await Cluster.CommittedAsync(id, 0, jurors);
        await Cluster.ClockToAsync(drawn.CommitDeadline + 1);
        await Cluster.RevealedAsync(id, 0, jurors);
        await Cluster.ClockToAsync(drawn.AppealDeadline + 1);
        var ruling = await Cluster.RulingAsync(id);

        Assert.Equal(Rejected, ruling.Ruling);
        await AssertHonestVotesAsync(id, drawn, Rejected, "answered 503");
    }

    private async Task<Case> SessionAsync()
    {
        var provider = await World.NewProviderAsync(Policies.Exit);
        var client = await World.NewPartyAsync(vpn: 1_500);
        await World.BuyAsync(provider, TestWorld.Vpn(1_000));
        var (sessionId, terms) = await World.OpenSessionAsync(client, provider, Policies.Exit);
        return new Case(provider, client, sessionId, terms, new SessionLog(World, sessionId, client, provider), RecordSealer.NewKey());
    }

    // Files the claim naming the records, discloses the session key to the committee once drawn (a document of the
    // filer before the cutoff), and walks the round to its ruling.
    private async Task<(ulong Id, CommitteeDrawnEvent Drawn, RulingExecutedEvent Ruling)> RuleAsync(Case c, Party filer, byte claim, uint rule, IReadOnlyList<ulong> records)
    {
        var (id, record) = await Claims.FileAsync(World, filer, c.SessionId, c.Terms, claim, rule, Claims.Document(c.SessionId, Policies.Exit, records));
        var (drawn, ruling) = await Cluster.PlayToRulingAsync(id, d => Claims.SubmitAsync(filer, id, record, Claims.Document(c.SessionId, disclosures: Disclose(d, c), disputeId: id)));
        return (id, drawn, ruling);
    }

    private List<(string Recipient, byte[] Sealed)> Disclose(CommitteeDrawnEvent drawn, Case c) => Cluster.Disclose(drawn, c.SessionId, c.Key);

    // Every honest juror voted `vote` on-chain, and its journal's reasons (what `status --reasons` shows) say why.
    private async Task AssertHonestVotesAsync(ulong id, CommitteeDrawnEvent drawn, byte vote, string because)
    {
        var honest = drawn.Committee.Distinct(StringComparer.OrdinalIgnoreCase).Select(Cluster.NodeOf).OfType<NodeProcess>().Where(n => n.Name != "dishonest").ToList();
        Assert.NotEmpty(honest);
        foreach (var node in honest)
        {
            Assert.Equal(vote, (await World.Deployer.Disputes.JurorVoteQueryAsync(id, 0, node.Oracle.Address)).Vote.Vote);
            var recordHash = (await node.Store.DisputeAsync(id, default))!.RecordHash;
            var entry = await node.Store.JournalAsync(id, 0, recordHash, default);
            Assert.NotNull(entry);
            Assert.Contains(because, entry.Reasons, StringComparison.Ordinal);
        }
    }

    private sealed record Case(Party Provider, Party Client, ulong SessionId, Oracle.Chain.Contracts.Session Terms, SessionLog Log, byte[] Key);
}
