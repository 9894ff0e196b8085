using System.Net.Http.Json;
using System.Text.Json;
using EvidenceCollector.Proofs;
using EvidenceCollector.Retention;
using EvidenceCollector.Tests.Support;
using Oracle.Chain.Deployment;
using Oracle.Core.Evidence;
using Oracle.Core.Merkle;
using Oracle.Core.Proofs;

namespace EvidenceCollector.Tests.Retention;

[Collection(BusCollection.Name)]
public sealed class RetentionTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Prune_DisputeWindowClosed_RecordsGoneHashesAndProofsStay()
    {
        // A network whose sessions last 3 s and whose dispute window is 3 s: the records may go 6 s after a session opened.
        var chain = await ChainSessions.DeployAsync(NetworkParameters.Devnet with
        {
            MaxSessionDuration = TimeSpan.FromSeconds(3),
            DisputeWindow = TimeSpan.FromSeconds(3),
            ProviderUnbondingDelay = TimeSpan.FromSeconds(6),
        });
        var session = (await chain.SessionsAsync(1))[0];
        await using var collector = await CollectorUnderTest.StartAsync(new Dictionary<string, string?>
        {
            ["Chain:Manifest"] = chain.ManifestPath,
            ["Retention:Grace"] = "00:00:01",
            ["Retention:Interval"] = "00:00:01",
        });
        await using var gateway = await TestGateway.StartAsync(collector.Host.Settings["Bus:Url"]!);
        var batch = session.Next(records: 12);
        await gateway.PublishAsync(batch);
        await gateway.WaitAnsweredAsync([batch.BatchId], Wait);
        Assert.Empty(gateway.Rejected);

        // Retention runs on chain time: Hardhat's clock moves with the blocks it mines, so mine empty ones meanwhile.
        await TestGateway.WaitUntilAsync(() =>
        {
            chain.Chain.MineAsync().GetAwaiter().GetResult();
            return collector.ScalarAsync<long>("SELECT count(*) FROM sessions WHERE records_pruned_at IS NOT NULL").GetAwaiter().GetResult() == 1;
        }, Wait, "the records' retention to end");

        Assert.Equal(0L, await collector.ScalarAsync<long>("SELECT count(record) FROM leaves"));
        Assert.Equal(12L, await collector.ScalarAsync<long>("SELECT count(leaf_hash) FROM leaves"));
        Assert.Equal(12, collector.Metrics.Count(CollectorCounters.RecordsPruned));
        using var http = collector.Host.Factory.CreateClient();
        var proof = (await http.GetFromJsonAsync<SessionRecordProof>($"/v1/sessions/{session.SessionId}/records/5", Json))!;
        Assert.Empty(proof.SealedRecord);
        Assert.True(MerkleProofs.VerifyInclusion(proof.LeafHash, 5, 12, proof.InclusionProof, batch.Checkpoint.Root));
        Assert.Equal(MerkleHash.Leaf(session.Records[5]), proof.LeafHash);
        var view = (await http.GetFromJsonAsync<SessionView>($"/v1/sessions/{session.SessionId}", Json))!;
        Assert.True(view.RecordsPruned);
    }

    [Theory]
    [InlineData(1000UL, 0UL, 0, 1000UL + 100 + 50 + 10)]
    [InlineData(1000UL, 1020UL, 0, 1020UL + 50 + 10)]
    [InlineData(1000UL, 1200UL, 0, 1000UL + 100 + 50 + 10)]
    [InlineData(1000UL, 1020UL, 1, null)]
    public void RecordsExpireAt_SessionTimes_DisputeWindowAfterTheEarlierOfCloseAndLongestSessionPlusGrace(ulong openedAt, ulong closedAt, int openDisputes, ulong? expected)
    {
        Assert.Equal(expected, RetentionRule.RecordsExpireAt(openedAt, closedAt, (byte)openDisputes, maxSessionDuration: 100, disputeWindow: 50, TimeSpan.FromSeconds(10)));
    }
}
