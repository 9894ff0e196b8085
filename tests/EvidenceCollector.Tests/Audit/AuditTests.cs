using System.Diagnostics;
using EvidenceCollector.Tests.Support;
using Oracle.Core.Evidence;
using Oracle.Devnet.Runtime;

namespace EvidenceCollector.Tests.Audit;

[Collection(BusCollection.Name)]
public sealed class AuditTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Audit_HealthyLogThenPlantedForkAndDeletedRecord_ExitsZeroThenNamesEach()
    {
        var chain = await ChainSessions.GetAsync();
        var sessions = await chain.SessionsAsync(2);
        var (_, keySettings, keyFolder) = await chain.FundedCollectorAsync();
        await using var collector = await CollectorUnderTest.StartAsync(new Dictionary<string, string?>(keySettings) { ["Anchoring:Enabled"] = "true", ["Anchoring:MaxLeaves"] = "4" });
        await using var gateway = await TestGateway.StartAsync(collector.Host.Settings["Bus:Url"]!);
        var batches = new List<EvidenceBatch>();
        for (var round = 0; round < 4; round++)
        {
            foreach (var session in sessions)
            {
                batches.Add(session.Next(records: 300));
                await gateway.PublishAsync(batches[^1]);
            }
        }

        await gateway.WaitAnsweredAsync(batches.Select(b => b.BatchId), Wait);
        await collector.WaitSequencedAsync(Wait);
        await TestGateway.WaitUntilAsync(() => collector.ScalarAsync<long>("SELECT coalesce(max(tree_size), 0) FROM anchors WHERE state = 'anchored'").GetAwaiter().GetResult() == 8, Wait, "the anchor of 8 leaves");
        var verifierKey = collector.Identity.Key.VerifierKey;

        var healthy = await AuditAsync(collector, "--verifier-key", verifierKey);
        Assert.True(healthy.ExitCode == 0, healthy.Output);
        Assert.Contains("OK: no fork, gap or missing data", healthy.Output, StringComparison.Ordinal);
        Assert.Contains("audited 8 leaves of the global log", healthy.Output, StringComparison.Ordinal);

        // A fork: the store's global log now says something else at leaf 3 than what was anchored.
        await collector.ScalarAsync<int>(
            "WITH forged AS (SELECT set_byte(leaf, 100, get_byte(leaf, 100) # 1) AS leaf FROM log_leaves WHERE leaf_index = 3) " +
            "UPDATE log_leaves SET leaf = forged.leaf, leaf_hash = sha256('\\x00'::bytea || forged.leaf) FROM forged WHERE leaf_index = 3 RETURNING 1");
        var forked = await AuditAsync(collector, "--verifier-key", verifierKey);
        Assert.Equal(1, forked.ExitCode);
        // Every anchored size from leaf 3 on now has another root in the store than on-chain (anchor sizes depend on timing).
        Assert.Contains(forked.Output.Split('\n'), l => l.StartsWith("FORK     global log at 8 leaves: anchored on-chain with root", StringComparison.Ordinal));
        Assert.Contains("TAMPERED global log leaf 3: the leaf is not the checkpoint of the batch it names", forked.Output, StringComparison.Ordinal);

        // Missing data: a record deleted before its retention ended, and a whole leaf row deleted.
        var session0 = sessions[0].SessionId;
        await collector.ScalarAsync<int>($"UPDATE leaves SET record = NULL WHERE session_id = {session0} AND leaf_index = 17 RETURNING 1");
        await collector.ScalarAsync<int>($"DELETE FROM leaves WHERE session_id = {sessions[1].SessionId} AND leaf_index = 450 RETURNING 1");
        var missing = await AuditAsync(collector);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains($"MISSING  session {session0} leaf 17: its record is gone before the session's retention ended", missing.Output, StringComparison.Ordinal);
        Assert.Contains($"GAP      session {sessions[1].SessionId} leaf 450: leaves 450 to 450 are missing", missing.Output, StringComparison.Ordinal);
        Directory.Delete(keyFolder, recursive: true);
    }

    [Fact]
    public async Task Audit_NoDatabase_ExitsTwoWithOneLine()
    {
        var settings = await Oracle.Testing.OracleServiceHost<Program>.DefaultSettingsAsync();
        settings["Database:ConnectionString"] = "Host=127.0.0.1;Port=9;Username=x;Password=x;Timeout=2";

        var result = await RunAsync(settings, []);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("evidence-collector audit:", result.Output, StringComparison.Ordinal);
    }

    private static Task<(int ExitCode, string Output)> AuditAsync(CollectorUnderTest collector, params string[] arguments)
        => RunAsync(collector.Host.Settings, arguments);

    private static async Task<(int ExitCode, string Output)> RunAsync(IReadOnlyDictionary<string, string?> settings, string[] arguments)
    {
        var dll = RepositoryLayout.Find().ServiceAssembly("EvidenceCollector", "EvidenceCollector") ?? throw new InvalidOperationException("src/EvidenceCollector is not built");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("audit");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in new[] { "Chain:RpcUrl", "Chain:Manifest", "Database:ConnectionString" })
        {
            start.Environment[name.Replace(":", "__", StringComparison.Ordinal)] = settings[name];
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("the audit did not end within 120 s");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
