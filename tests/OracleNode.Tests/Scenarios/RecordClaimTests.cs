using Oracle.Core.Evidence;
using Oracle.Core.Policy;
using OracleNode.Judging;
using OracleNode.Tests.Support;

namespace OracleNode.Tests.Scenarios;

/// <summary>
/// Claims against the client proven on-chain at filing (a record under a root the client signed), ruled end to end by
/// node processes that draw, judge, commit, reveal, execute and claim without anyone calling a contract by hand.
/// </summary>
public sealed class RecordClaimTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private TestWorld World => fixture.World;

    private NodeCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task ClientBreachedPolicy_DeniedSmbRecordCoSigned_Upheld()
    {
        var (provider, client, sessionId, terms, log) = await SessionAsync();
        log.Add(log.Flow("198.51.100.10", 443, FlowVerdict.Allowed, 0));
        var smb = log.Add(log.Flow("198.51.100.9", 445, FlowVerdict.Denied, 7));
        log.Add(log.Flow("198.51.100.11", 80, FlowVerdict.Allowed, 0));
        var (id, _) = await Claims.FileAsync(World, provider, sessionId, terms, ClaimNames.ClientBreachedPolicy, 7,
            Claims.Document(sessionId, Policies.Exit), proof: log.Proof(smb));

        var (_, ruling) = await Cluster.PlayToRulingAsync(id);

        Assert.Equal(1, ruling.Ruling);
        Assert.Equal(provider.Address, ruling.Winner, ignoreCase: true);
    }

    [Fact]
    public async Task ClientBreachedPolicy_RecordThePolicyAllows_Rejected()
    {
        // The record says "denied by rule 7" but it is a flow to port 80, which the policy allows: the contract accepts
        // the proof (it checks only the header and the signatures), the nodes evaluate the record and reject.
        var (provider, client, sessionId, terms, log) = await SessionAsync();
        var web = log.Add(log.Flow("198.51.100.12", 80, FlowVerdict.Denied, 7));
        var (id, _) = await Claims.FileAsync(World, provider, sessionId, terms, ClaimNames.ClientBreachedPolicy, 7,
            Claims.Document(sessionId, Policies.Exit), proof: log.Proof(web));

        var (_, ruling) = await Cluster.PlayToRulingAsync(id);

        Assert.Equal(2, ruling.Ruling);
        Assert.Equal(client.Address, ruling.Winner, ignoreCase: true);
    }

    [Fact]
    public async Task ClientBreachedPolicy_InboundDeniedRecord_Rejected()
    {
        // Traffic from the far side dropped by the policy is not the client's doing.
        var (provider, _, sessionId, terms, log) = await SessionAsync();
        var inbound = log.Add(log.Flow("203.0.113.5", 8080, FlowVerdict.Denied, 21, TrafficDirection.Inbound));
        var (id, _) = await Claims.FileAsync(World, provider, sessionId, terms, ClaimNames.ClientBreachedPolicy, 21,
            Claims.Document(sessionId, Policies.Exit), proof: log.Proof(inbound));

        var (_, ruling) = await Cluster.PlayToRulingAsync(id);

        Assert.Equal(2, ruling.Ruling);
    }

    [Fact]
    public async Task ClientBreachedPolicy_NoEvidence_RejectedAsNotProven()
    {
        var (provider, _, sessionId, terms, _) = await SessionAsync();
        var (id, _) = await Claims.FileAsync(World, provider, sessionId, terms, ClaimNames.ClientBreachedPolicy, 7, Claims.Document(sessionId, Policies.Exit));

        var (drawn, ruling) = await Cluster.PlayToRulingAsync(id);

        Assert.Equal(2, ruling.Ruling);
        var juror = Cluster.NodeOf(drawn.Committee.First(a => Cluster.NodeOf(a) is { } n && n.Name != "dishonest"))!;
        var entry = await juror.Store.JournalAsync(id, 0, (await juror.Store.DisputeAsync(id, default))!.RecordHash, default);
        Assert.NotNull(entry);
        Assert.Contains("not proven", entry.Rule, StringComparison.Ordinal);
    }

    private async Task<(Party Provider, Party Client, ulong SessionId, Oracle.Chain.Contracts.Session Terms, SessionLog Log)> SessionAsync()
    {
        var provider = await World.NewProviderAsync(Policies.Exit);
        var client = await World.NewPartyAsync(vpn: 500);
        var (sessionId, terms) = await World.OpenSessionAsync(client, provider, Policies.Exit);
        return (provider, client, sessionId, terms, new SessionLog(World, sessionId, client, provider));
    }
}
