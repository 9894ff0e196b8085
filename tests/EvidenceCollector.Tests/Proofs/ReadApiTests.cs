using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EvidenceCollector.Proofs;
using EvidenceCollector.Tests.Support;
using Oracle.Chain.Deployment;
using Oracle.Chain.Evidence;
using Oracle.Chain.Sessions;
using Oracle.Core.Eip712;
using Oracle.Core.Evidence;
using Oracle.Core.Merkle;
using Oracle.Core.Proofs;
using Oracle.Core.Transparency;

namespace EvidenceCollector.Tests.Proofs;

[Collection(BusCollection.Name)]
public sealed class ReadApiTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Get_AnchoredLog_RecordAndCheckpointProofsVerifyAgainstTheOnChainAnchor()
    {
        var chain = await ChainSessions.GetAsync();
        var sessions = await chain.SessionsAsync(2);
        var (_, keySettings, keyFolder) = await chain.FundedCollectorAsync();
        await using var collector = await CollectorUnderTest.StartAsync(new Dictionary<string, string?>(keySettings) { ["Anchoring:Enabled"] = "true", ["Anchoring:MaxLeaves"] = "6" });
        await using var gateway = await TestGateway.StartAsync(collector.Host.Settings["Bus:Url"]!);
        var batches = new List<EvidenceBatch>();
        for (var round = 0; round < 3; round++)
        {
            foreach (var evidence in sessions)
            {
                batches.Add(evidence.Next(records: 7));
                await gateway.PublishAsync(batches[^1]);
            }
        }

        await gateway.WaitAnsweredAsync(batches.Select(b => b.BatchId), Wait);
        await collector.WaitSequencedAsync(Wait);
        await TestGateway.WaitUntilAsync(() => collector.ScalarAsync<long>("SELECT coalesce(max(tree_size), 0) FROM anchors WHERE state = 'anchored'").GetAwaiter().GetResult() == 6, Wait, "the anchor of 6 leaves");
        using var http = collector.Host.Factory.CreateClient();

        // The log: its checkpoint note verifies with the published verifier key, and its anchor is the registry's.
        var view = (await http.GetFromJsonAsync<LogView>("/v1/log", Json))!;
        Assert.True(NoteKey.TryParseVerifierKey(view.VerifierKey, out var noteKey));
        Assert.True(SignedNote.TryParse(view.Checkpoint, out var note) && noteKey!.Verify(note!));
        Assert.True(CheckpointBody.TryParse(note!.Text, out var body));
        Assert.Equal((view.Origin, view.TreeSize), (body!.Origin, body.TreeSize));
        Assert.Equal(view.Root, body.Root);
        Assert.Equal(view.Checkpoint, await http.GetStringAsync("/checkpoint"));
        var onChain = await new AnchorReader(chain.Chain.ReadOnly, chain.Manifest.AddressOf(ContractNames.EvidenceRegistry)).AnchorsAsync(view.LogId);
        var anchored = onChain[^1];
        Assert.Equal(anchored.TreeSize, view.Anchored!.TreeSize);
        Assert.Equal(anchored.Root, view.Anchored.Root);

        var session = sessions[0];
        // The session's parties as the chain has them (not as the collector says).
        var opened = (await new SessionReader(chain.Chain.ReadOnly, chain.SessionManager).FindAsync(session.SessionId))!.Value.Record.Terms;
        var parties = new SessionLogParties(session.SessionId, session.Domain, opened.Provider, opened.Client);
        // A record: its inclusion proof leads to a checkpoint the session's gateway signed, and the client paid for.
        var record = (await http.GetFromJsonAsync<SessionRecordProof>($"/v1/sessions/{session.SessionId}/records/10", Json))!;
        Assert.Equal(ProofCheck.Valid, record.Verify(parties));
        Assert.Equal(session.SealedRecords[10], record.SealedRecord);
        Assert.Equal(MerkleHash.Leaf(session.Records[10]), record.LeafHash);
        Assert.NotNull(record.Voucher);
        Assert.Equal(21UL, record.Checkpoint.TreeSize);
        // Sealed: only the evidence key of the session's parties opens it, to the very record the gateway metered.
        var opening = record.Open(session.EvidenceKey);
        Assert.True(opening.IsOpened, opening.Detail);
        Assert.Equal(session.Records[10], opening.Encoded);
        Assert.False(record.Open(RecordSealer.NewKey()).IsOpened);

        // The checkpoint in the global log, at the anchored size read from the chain (not from the collector).
        var firstCheckpoint = batches.First(b => b.SessionId == session.SessionId).Checkpoint;
        var inclusion = (await http.GetFromJsonAsync<CheckpointInclusionProof>($"/v1/sessions/{session.SessionId}/checkpoints/{firstCheckpoint.TreeSize}/inclusion", Json))!;
        Assert.Equal(ProofCheck.Valid, inclusion.Verify(parties, new TreeHead(anchored.TreeSize, anchored.Root), out var leaf));
        Assert.Equal(firstCheckpoint.Root, leaf!.Checkpoint.Root);
        Assert.Equal(firstCheckpoint.TreeSize, leaf.Checkpoint.TreeSize);
        // ...and the registry itself says so.
        var call = (await http.GetFromJsonAsync<RegistryCall>($"/v1/sessions/{session.SessionId}/checkpoints/{firstCheckpoint.TreeSize}/inclusion/registry-call", Json))!;
        var answer = await chain.Chain.RpcAsync<string>("eth_call", new { to = call.To, data = call.Data }, "latest");
        Assert.EndsWith("1", answer, StringComparison.Ordinal);

        // Consistency from the anchor to the latest checkpoint.
        var consistency = (await http.GetFromJsonAsync<LogConsistencyProof>($"/v1/log/consistency?first={anchored.TreeSize}", Json))!;
        Assert.Equal(ProofCheck.Valid, consistency.Verify(new TreeHead(anchored.TreeSize, anchored.Root), new TreeHead(view.TreeSize, view.Root)));
        Assert.Equal(view.TreeSize, consistency.Size2);

        // The tiles: leaf hashes and entries of the first leaves.
        var tile = await http.GetByteArrayAsync($"/tile/0/000.p/{view.TreeSize}");
        var entries = await http.GetByteArrayAsync($"/tile/entries/000.p/{view.TreeSize}");
        Assert.Equal((int)view.TreeSize * 32, tile.Length);
        Assert.Equal(MerkleHash.Leaf(entries.AsSpan(2, 158)), tile[..32]);
        var tree = new MerkleTree();
        for (var i = 0; i < (int)view.TreeSize; i++)
        {
            tree.AppendLeafHash(tile.AsSpan(i * 32, 32));
        }

        Assert.Equal(view.Root, tree.Root());

        // What is not there is an RFC 7807 problem.
        var missing = await http.GetAsync("/v1/sessions/9000000000000/checkpoints");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/tile/0/001")).StatusCode);
        var openApi = await http.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/v1/sessions/{sessionId}/records/{leafIndex}", openApi, StringComparison.Ordinal);
        Directory.Delete(keyFolder, recursive: true);
    }

    [Fact]
    public async Task GetRecord_ExpectedAndOtherSizes_EveryProofVerifiesAndOneRoundTripWhenTheSizeWasExpected()
    {
        var chain = await ChainSessions.GetAsync();
        var session = (await chain.SessionsAsync(1))[0];
        await using var collector = await CollectorUnderTest.StartAsync();
        await using var gateway = await TestGateway.StartAsync(collector.Host.Settings["Bus:Url"]!);
        // 900 leaves: the proofs need stored subtrees (256 leaves and up) and subtrees hashed from leaves.
        var batches = new List<EvidenceBatch>();
        for (var i = 0; i < 3; i++)
        {
            batches.Add(session.Next(records: 300));
            await gateway.PublishAsync(batches[^1]);
        }

        await gateway.WaitAnsweredAsync(batches.Select(b => b.BatchId), Wait);
        using var http = collector.Host.Factory.CreateClient();
        var opened = (await new SessionReader(chain.Chain.ReadOnly, chain.SessionManager).FindAsync(session.SessionId))!.Value.Record.Terms;
        var parties = new SessionLogParties(session.SessionId, session.Domain, opened.Provider, opened.Client);

        async Task<SessionRecordProof> ProveAsync(string path, ulong leaf, ulong treeSize)
        {
            using var response = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            // The collector's own time, for clients that measure it apart from theirs.
            Assert.Matches("^app;dur=[0-9]+\\.[0-9]{3}$", Assert.Single(response.Headers.GetValues("Server-Timing")));
            var proof = (await response.Content.ReadFromJsonAsync<SessionRecordProof>(Json))!;
            Assert.Equal(ProofCheck.Valid, proof.Verify(parties));
            Assert.Equal(MerkleHash.Leaf(session.Records[(int)leaf]), proof.LeafHash);
            Assert.Equal(treeSize, proof.Checkpoint.TreeSize);
            return proof;
        }

        // The latest checkpoint (the head this process stored), a size asked for, the latest again: one round trip each.
        foreach (var leaf in new ulong[] { 0, 255, 256, 511, 899 })
        {
            await ProveAsync($"/v1/sessions/{session.SessionId}/records/{leaf}", leaf, 900);
        }

        await ProveAsync($"/v1/sessions/{session.SessionId}/records/299?treeSize=300", 299, 300);
        await ProveAsync($"/v1/sessions/{session.SessionId}/records/400?treeSize=600", 400, 600);
        await ProveAsync($"/v1/sessions/{session.SessionId}/records/7", 7, 900);
        Assert.Equal(8, collector.Metrics.Count(CollectorCounters.ProofsServed, "record"));
        Assert.Equal(8, collector.Metrics.Count(CollectorCounters.ProofRoundTrips, "record"));

        // The log grew past the size last proven under: the nodes are read again for the new checkpoint (two round trips).
        batches.Add(session.Next(records: 300));
        await gateway.PublishAsync(batches[^1]);
        await gateway.WaitAnsweredAsync(batches.Select(b => b.BatchId), Wait);
        await ProveAsync($"/v1/sessions/{session.SessionId}/records/1000", 1000, 1200);
        await ProveAsync($"/v1/sessions/{session.SessionId}/records/3", 3, 1200);
        Assert.Equal(10, collector.Metrics.Count(CollectorCounters.ProofsServed, "record"));
        Assert.Equal(11, collector.Metrics.Count(CollectorCounters.ProofRoundTrips, "record"));
        // A leaf outside the checkpoint asked for is still the client's mistake.
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync($"/v1/sessions/{session.SessionId}/records/300?treeSize=300")).StatusCode);

        // The server-side timing histogram, with millisecond buckets.
        var metrics = await http.GetStringAsync("/metrics");
        Assert.Contains("oracle_evidencecollector_request_seconds_bucket{endpoint=\"/v1/sessions/{sessionId}/records/{leafIndex}\",le=\"0.001\"}", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Anchor_LogGrowing_EverySizeOnceWithTheStoredRoot()
    {
        var chain = await ChainSessions.GetAsync();
        var session = (await chain.SessionsAsync(1))[0];
        var (_, keySettings, keyFolder) = await chain.FundedCollectorAsync();
        await using var collector = await CollectorUnderTest.StartAsync(new Dictionary<string, string?>(keySettings) { ["Anchoring:Enabled"] = "true", ["Anchoring:MaxLeaves"] = "2" });
        await using var gateway = await TestGateway.StartAsync(collector.Host.Settings["Bus:Url"]!);
        for (var i = 0; i < 8; i++)
        {
            var batch = session.Next(records: 2);
            await gateway.PublishAsync(batch);
            await gateway.WaitAnsweredAsync([batch.BatchId], Wait);
            await collector.WaitSequencedAsync(Wait);
            if (i % 2 == 1)
            {
                // Every second leaf reaches Anchoring:MaxLeaves: let that anchor land before the log grows on (on a
                // loaded machine the log could otherwise outrun the anchorer and be anchored once at its end).
                var size = i + 1;
                await TestGateway.WaitUntilAsync(() => collector.ScalarAsync<long>("SELECT coalesce(max(tree_size), 0) FROM anchors WHERE state = 'anchored'").GetAwaiter().GetResult() >= size, Wait, $"the anchor of {size} leaves");
            }
        }

        await TestGateway.WaitUntilAsync(() => collector.ScalarAsync<long>("SELECT coalesce(max(tree_size), 0) FROM anchors WHERE state = 'anchored'").GetAwaiter().GetResult() == 8, Wait, "the anchor of 8 leaves");
        var onChain = await new AnchorReader(chain.Chain.ReadOnly, chain.Manifest.AddressOf(ContractNames.EvidenceRegistry)).AnchorsAsync(collector.Identity.LogId);
        using var http = collector.Host.Factory.CreateClient();
        var ledger = (await http.GetFromJsonAsync<List<LogAnchor>>("/v1/log/anchors", Json))!;

        Assert.True(onChain.Count >= 2, $"{onChain.Count} anchors");
        Assert.Equal(onChain.Select(a => a.TreeSize), ledger.Select(a => a.TreeSize));
        Assert.True(onChain.Select(a => a.TreeSize).SequenceEqual(onChain.Select(a => a.TreeSize).Distinct().Order()), "sizes only grow, each once");
        foreach (var anchor in onChain)
        {
            var root = await collector.ScalarAsync<byte[]>($"SELECT root FROM checkpoints WHERE tree_size = {anchor.TreeSize}");
            Assert.Equal(root, anchor.Root);
        }

        Assert.Equal(onChain.Count, collector.Metrics.Count(CollectorCounters.Anchors));
        Assert.True(collector.Metrics.Count(CollectorCounters.AnchorGas) > 0);
        Directory.Delete(keyFolder, recursive: true);
    }

    [Fact]
    public async Task Health_CollectorWithoutItsBond_DegradedNamingTheBond()
    {
        await using var collector = await CollectorUnderTest.StartAsync(new Dictionary<string, string?> { ["Anchoring:Enabled"] = "true" });
        using var http = collector.Host.Factory.CreateClient();

        string body = "";
        await TestGateway.WaitUntilAsync(() =>
        {
            body = http.GetStringAsync("/healthz").GetAwaiter().GetResult();
            return body.Contains("bond", StringComparison.Ordinal);
        }, Wait, "the health check to name the bond");

        Assert.Contains("\"status\":\"Degraded\"", body, StringComparison.Ordinal);
    }
}
