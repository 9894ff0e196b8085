using System.Diagnostics;
using System.Net.Http.Json;
using EvidenceCollector.Tests.Support;
using Npgsql;
using NpgsqlTypes;
using Oracle.Core.Evidence;
using Oracle.Core.Merkle;
using Oracle.Testing;

namespace Oracle.IngestBench;

/// <summary>
/// One run: sessions opened on the test chain by several gateways (providers), their signed, sealed batches made up
/// front, a collector process (the built service) consuming them from RabbitMQ into its own database, then proofs over
/// HTTP, then the same rows copied again with PostgreSQL binary COPY alone (the baseline).
/// </summary>
internal sealed class IngestRun(IngestSettings settings, TextWriter progress)
{
    public async Task<IngestResult> RunAsync(CancellationToken cancellationToken)
    {
        var chain = await ChainSessions.GetAsync();
        var amqpUrl = await LocalServices.AmqpUrlAsync(cancellationToken);
        progress.WriteLine($"opening {settings.Sessions} sessions with {settings.Gateways} gateways on the chain");
        var sessions = new List<SessionEvidence>();
        for (var g = 0; g < settings.Gateways; g++)
        {
            sessions.AddRange(await chain.SessionsAsync(settings.SessionsPerGateway));
        }

        progress.WriteLine($"signing and sealing {settings.Batches} batches of {settings.RecordsPerBatch} records");
        // Round-robin over the sessions, each session's batches in order (as many gateways publishing at once).
        var perSession = sessions.Select(s => Enumerable.Range(0, settings.BatchesPerSession).Select(_ => s.Next(settings.RecordsPerBatch)).ToList()).ToList();
        var batches = Enumerable.Range(0, settings.BatchesPerSession).SelectMany(i => perSession.Select(p => p[i])).ToList();

        var (_, keySettings, keyFolder) = await chain.FundedCollectorAsync();
        var overrides = new Dictionary<string, string?>(keySettings)
        {
            ["Anchoring:Enabled"] = "true",
            ["Anchoring:MaxLeaves"] = settings.AnchorEvery.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Anchoring:Interval"] = "00:00:02",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        await using var collectors = await CollectorProcesses.CreateAsync(amqpUrl, overrides: overrides);
        try
        {
            var process = await collectors.StartAsync("bench-1");
            progress.WriteLine($"collector process {process.Processes[^1].Identity.Pid} ready at {process.Url}");
            await using var gateway = await TestGateway.StartAsync(amqpUrl);

            var (ingested, sequenced, first) = await IngestAsync(gateway, collectors, batches, cancellationToken);
            // From the first answer on: without the cold start (the sessions' first reads of the chain, JIT).
            var steadyRate = (settings.Batches - first.Answered) * (double)settings.RecordsPerBatch / (ingested - first.At).TotalSeconds;
            var recordsPerSecond = settings.Records / ingested.TotalSeconds;
            var leavesPerSecond = settings.Batches / sequenced.TotalSeconds;
            var sequencerRate = await SequencerRateAsync(collectors.Database, cancellationToken);
            progress.WriteLine($"ingested {settings.Records} records in {ingested.TotalSeconds:0.0} s ({recordsPerSecond:0}/s); {settings.Batches} leaves in the global log after {sequenced.TotalSeconds:0.0} s ({leavesPerSecond:0}/s)");

            progress.WriteLine(await WhereTheTimeWentAsync(process.Url, ingested, cancellationToken));
            var (anchors, gasPerLeaf) = await WaitAnchoredAsync(collectors.Database, settings.Batches, cancellationToken);
            progress.WriteLine($"{anchors} anchors, {gasPerLeaf:0.0} gas per leaf");

            var (p50, p99, serverP50, serverP99, floorP50, floorP99) = await ProofLatencyAsync(process.Url, sessions, cancellationToken);
            progress.WriteLine($"{settings.Proofs} record proofs over HTTP: p50 {p50:0.00} ms, p99 {p99:0.00} ms (in the collector: p50 {serverP50:0.00} ms, p99 {serverP99:0.00} ms; " +
                $"GET /checkpoint from memory between them: p50 {floorP50:0.00} ms, p99 {floorP99:0.00} ms)");

            var copyRate = await CopyOnlyAsync(collectors.Database, batches, cancellationToken);
            progress.WriteLine($"binary COPY of the same rows alone: {copyRate:0} records/s");
            var verifyRate = VerifyOnly(batches);
            progress.WriteLine($"verifying the same batches alone (digest and EvidenceBatchVerifier, every core): {verifyRate:0} records/s");
            // The first collector and its queue go, so that only the second one takes (and answers) the batches again.
            process.Kill();
            var factory = new RabbitMQ.Client.ConnectionFactory { Uri = new Uri(amqpUrl) };
            await using (var connection = await factory.CreateConnectionAsync(cancellationToken))
            await using (var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken))
            {
                await channel.QueueDeleteAsync(collectors.Queue, ifUnused: false, ifEmpty: false, cancellationToken: cancellationToken);
            }

            var ungroupedRate = await UngroupedAsync(amqpUrl, batches, cancellationToken);
            progress.WriteLine($"the same batches into a collector storing one batch per transaction (16 at once, as before group commit): {ungroupedRate:0} records/s");
            return new IngestResult(settings, recordsPerSecond, leavesPerSecond, sequencerRate, p50, p99, gasPerLeaf, anchors, copyRate, verifyRate, ungroupedRate, steadyRate)
            {
                ProofServerP50Ms = serverP50,
                ProofServerP99Ms = serverP99,
                CheckpointP50Ms = floorP50,
                CheckpointP99Ms = floorP99,
                FirstAnswerMs = first.At.TotalMilliseconds,
            };
        }
        finally
        {
            Directory.Delete(keyFolder, recursive: true);
        }
    }

    // Publishes every batch (bounded concurrency, each confirmed by the broker) and waits for every answer, then for the
    // global log to hold them all; both times from the first publication.
    // The same-run comparison for group commit: a fresh collector (own database and queue) that stores each batch in its
    // own transaction, 16 at once (the design before group commit), fed the same batches the same way.
    private async Task<double> UngroupedAsync(string amqpUrl, List<EvidenceBatch> batches, CancellationToken cancellationToken)
    {
        var overrides = new Dictionary<string, string?>
        {
            ["Ingestion:MaxGroupBatches"] = "1",
            ["Ingestion:GroupCommitters"] = "16",
            ["Ingestion:GroupWait"] = "00:00:00",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        await using var collectors = await CollectorProcesses.CreateAsync(amqpUrl, overrides: overrides);
        await collectors.StartAsync("bench-ungrouped");
        await using var gateway = await TestGateway.StartAsync(amqpUrl);
        var (ingested, _, _) = await IngestAsync(gateway, collectors, batches, cancellationToken);
        return settings.Records / ingested.TotalSeconds;
    }

    private async Task<(TimeSpan Ingested, TimeSpan Sequenced, (TimeSpan At, int Answered) FirstAnswers)> IngestAsync(TestGateway gateway, CollectorProcesses collectors, List<EvidenceBatch> batches, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        // Each synthetic gateway publishes its sessions' batches in order, each confirmed by the broker before the next
        // (as a gateway's spool does), all sessions at once.
        var published = 0;
        var publications = batches.GroupBy(b => b.SessionId).Select(async session =>
        {
            foreach (var batch in session)
            {
                await gateway.PublishAsync(batch, cancellationToken);
                Interlocked.Increment(ref published);
            }
        }).ToList();
        var firstAnswers = Task.Run(async () =>
        {
            int answered;
            while ((answered = Answered(gateway)) == 0 && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(5, cancellationToken);
            }

            return (watch.Elapsed, answered);
        }, cancellationToken);
        var reporter = Task.Run(async () =>
        {
            while (Answered(gateway) < batches.Count && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(2000, cancellationToken);
                progress.WriteLine($"  {watch.Elapsed.TotalSeconds:0} s: {Volatile.Read(ref published)} batches published, {Answered(gateway)} of {batches.Count} answered");
            }
        }, cancellationToken);
        await Task.WhenAll(publications);
        // As a gateway's spool does: a batch left unanswered (deferred behind a gap) is published again, here once no
        // answer came for 15 s (the queue is drained: what is left was deferred).
        var (lastCount, lastChange) = (0, watch.Elapsed);
        while (Answered(gateway) < batches.Count)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Delay(5, cancellationToken);
            if (Answered(gateway) != lastCount)
            {
                (lastCount, lastChange) = (Answered(gateway), watch.Elapsed);
            }
            else if (watch.Elapsed - lastChange > TimeSpan.FromSeconds(15))
            {
                var answered = gateway.Accepted.Select(a => a.BatchId).Concat(gateway.Rejected.Select(r => r.BatchId)).ToHashSet();
                var unanswered = batches.Where(b => !answered.Contains(b.BatchId)).ToList();
                progress.WriteLine($"  publishing {unanswered.Count} unanswered batches again");
                foreach (var batch in unanswered)
                {
                    await gateway.PublishAsync(batch, cancellationToken);
                }

                lastChange = watch.Elapsed;
            }
        }

        var ingested = watch.Elapsed;
        if (!gateway.Rejected.IsEmpty)
        {
            var first = gateway.Rejected.First();
            throw new InvalidOperationException($"{gateway.Rejected.Count} batches were rejected, the first {first.BatchId}: {first.Error} {first.Reason}");
        }

        while (await collectors.CountAsync("SELECT count(*) FROM batches WHERE log_index IS NULL") > 0
            || await collectors.CountAsync("SELECT count(*) FROM batches") < batches.Count)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Delay(10, cancellationToken);
        }

        var sequenced = watch.Elapsed;
        await reporter.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return (ingested, sequenced, await firstAnswers);
    }

    // The collector's own account of its groups (from its /metrics): how many, how large, verifying and storing time.
    private static async Task<string> WhereTheTimeWentAsync(string url, TimeSpan ingested, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        var metrics = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative), cancellationToken);
        double Value(string name) => metrics.Split('\n').Where(l => l.StartsWith(name + " ", StringComparison.Ordinal))
            .Select(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
        var groups = Value("oracle_evidencecollector_group_batches_count");
        var batches = Value("oracle_evidencecollector_group_batches_sum");
        var verify = Value("oracle_evidencecollector_group_verify_seconds_sum");
        var store = Value("oracle_evidencecollector_group_store_seconds_sum");
        var phases = string.Join(", ", new[] { "lock", "decide", "copy", "write", "commit" }
            .Select(p => $"{p} {Value($"oracle_evidencecollector_group_store_phase_seconds_sum{{phase=\"{p}\"}}"):0.00} s"));
        var found = string.Join(", ", new[] { "watcher", "database", "chain", "chain-unknown" }
            .Select(r => $"{r} {Value($"oracle_evidencecollector_sessions_found{{reason=\"{r}\"}}"):0}"));
        return $"collector: {groups:0} groups of {batches / Math.Max(groups, 1):0.0} batches on average; verifying {verify:0.00} s, storing {store:0.00} s " +
            $"(summed over the group workers) of the {ingested.TotalSeconds:0.00} s of ingestion; storing by phase: {phases} (write includes copy); sessions found by {found}";
    }

    private static int Answered(TestGateway gateway)
        => gateway.Accepted.Select(a => a.BatchId).Concat(gateway.Rejected.Select(r => r.BatchId)).Distinct().Count();

    // The sequencer's own rate: leaves appended per second between its first and last step of the run.
    private static async Task<double> SequencerRateAsync(NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT count(*), extract(epoch FROM max(signed_at) - min(signed_at)), min(tree_size) FROM checkpoints", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var seconds = reader.IsDBNull(1) ? 0 : Convert.ToDouble(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
        var steps = reader.GetInt64(0);
        var firstSize = reader.IsDBNull(2) ? 0 : reader.GetInt64(2);
        await reader.CloseAsync();
        await using var total = new NpgsqlCommand("SELECT count(*) FROM log_leaves", connection);
        var leaves = (long)(await total.ExecuteScalarAsync(cancellationToken))!;
        return steps < 2 || seconds <= 0 ? double.NaN : (leaves - firstSize) / seconds;
    }

    private static async Task<(int Anchors, double GasPerLeaf)> WaitAnchoredAsync(NpgsqlDataSource database, int leaves, CancellationToken cancellationToken)
    {
        while (true)
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            await using var command = new NpgsqlCommand(
                "SELECT coalesce(max(tree_size), 0), count(*), coalesce(sum(gas_used), 0) FROM anchors WHERE state IN ('anchored', 'superseded') AND gas_used IS NOT NULL", connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            var (size, count, gas) = (reader.GetInt64(0), reader.GetInt64(1), Convert.ToDouble(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture));
            if (size >= leaves)
            {
                return ((int)count, gas / size);
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    // Record proofs of random leaves of random sessions over HTTP, one at a time (latency, not throughput), after a warm-up.
    // The collector's own time per request comes from its Server-Timing header (RequestTiming).
    // Each proof is followed by a GET /checkpoint (the latest signed checkpoint, served from memory): the same-run floor
    // of one HTTP request to the collector on this machine at that moment.
    private async Task<(double P50, double P99, double ServerP50, double ServerP99, double FloorP50, double FloorP99)> ProofLatencyAsync(string url, IReadOnlyList<SessionEvidence> sessions, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        var random = new Random(7);
        var times = new List<double>(settings.Proofs);
        var serverTimes = new List<double>(settings.Proofs);
        var floorTimes = new List<double>(settings.Proofs);
        for (var i = 0; i < settings.Proofs + 100; i++)
        {
            var session = sessions[random.Next(sessions.Count)];
            var leaf = random.Next(session.Records.Count);
            var watch = Stopwatch.StartNew();
            using var response = await http.GetAsync($"/v1/sessions/{session.SessionId}/records/{leaf}", cancellationToken);
            response.EnsureSuccessStatusCode();
            var proof = await response.Content.ReadFromJsonAsync<Oracle.Core.Proofs.SessionRecordProof>(cancellationToken);
            watch.Stop();
            if (proof is null || !proof.LeafHash.AsSpan().SequenceEqual(MerkleHash.Leaf(session.Records[leaf])))
            {
                throw new InvalidOperationException($"the proof of leaf {leaf} of session {session.SessionId} is not for its record");
            }

            var floor = Stopwatch.StartNew();
            var checkpoint = await http.GetStringAsync(new Uri("/checkpoint", UriKind.Relative), cancellationToken);
            floor.Stop();
            if (checkpoint.Length == 0)
            {
                throw new InvalidOperationException("the collector served an empty checkpoint");
            }

            if (i >= 100)
            {
                times.Add(watch.Elapsed.TotalMilliseconds);
                serverTimes.Add(ServerMilliseconds(response));
                floorTimes.Add(floor.Elapsed.TotalMilliseconds);
            }
        }

        return (Percentile(times, 0.5), Percentile(times, 0.99), Percentile(serverTimes, 0.5), Percentile(serverTimes, 0.99), Percentile(floorTimes, 0.5), Percentile(floorTimes, 0.99));
    }

    private static double Percentile(List<double> values, double quantile)
    {
        var sorted = values.Order().ToList();
        return quantile == 0.5 ? sorted[sorted.Count / 2] : sorted[(int)Math.Ceiling(sorted.Count * quantile) - 1];
    }

    // "Server-Timing: app;dur=1.234" (milliseconds).
    private static double ServerMilliseconds(HttpResponseMessage response)
    {
        var header = response.Headers.TryGetValues("Server-Timing", out var values) ? values.FirstOrDefault() : null;
        var duration = header?.Split(';').Select(p => p.Trim()).FirstOrDefault(p => p.StartsWith("dur=", StringComparison.Ordinal));
        return duration is not null && double.TryParse(duration[4..], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var ms)
            ? ms
            : throw new InvalidOperationException($"the collector's answer has no Server-Timing duration ({header ?? "no header"})");
    }

    // The second baseline: what the collector's verification alone (digest, signatures, roots; no bus, no database)
    // costs for the same batches, in parallel on every core as the collector runs it.
    private static double VerifyOnly(List<EvidenceBatch> batches)
    {
        var watch = Stopwatch.StartNew();
        var failed = 0;
        Parallel.ForEach(batches, batch =>
        {
            EvidenceBatchDigest.Compute(batch);
            if (EvidenceBatchVerifier.Verify(batch).Error != EvidenceBatchError.None)
            {
                Interlocked.Increment(ref failed);
            }
        });
        return failed > 0
            ? throw new InvalidOperationException($"{failed} batches did not verify")
            : batches.Sum(b => (long)b.LeafHashes.Count) / watch.Elapsed.TotalSeconds;
    }

    // The baseline: the same rows (session, leaf index, leaf hash, sealed record) into a table like the collector's,
    // one binary COPY and transaction per batch over as many connections as the collector's consumer uses, nothing verified.
    private static async Task<double> CopyOnlyAsync(NpgsqlDataSource database, List<EvidenceBatch> batches, CancellationToken cancellationToken)
    {
        await using (var connection = await database.OpenConnectionAsync(cancellationToken))
        await using (var create = new NpgsqlCommand("DROP TABLE IF EXISTS copy_baseline; CREATE TABLE copy_baseline (LIKE leaves INCLUDING ALL)", connection))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var next = -1;
        var watch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, 16).Select(async _ =>
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            int i;
            while ((i = Interlocked.Increment(ref next)) < batches.Count)
            {
                var batch = batches[i];
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await using (var copy = await connection.BeginBinaryImportAsync("COPY copy_baseline (session_id, leaf_index, leaf_hash, record) FROM STDIN (FORMAT BINARY)", cancellationToken))
                {
                    for (var r = 0; r < batch.LeafHashes.Count; r++)
                    {
                        await copy.StartRowAsync(cancellationToken);
                        await copy.WriteAsync(unchecked((long)batch.SessionId), NpgsqlDbType.Bigint, cancellationToken);
                        await copy.WriteAsync((long)(batch.FirstLeafIndex + (ulong)r), NpgsqlDbType.Bigint, cancellationToken);
                        await copy.WriteAsync(batch.LeafHashes[r], NpgsqlDbType.Bytea, cancellationToken);
                        await copy.WriteAsync(batch.SealedRecords[r], NpgsqlDbType.Bytea, cancellationToken);
                    }

                    await copy.CompleteAsync(cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
            }
        }).ToList();
        await Task.WhenAll(workers);
        var records = batches.Sum(b => (long)b.LeafHashes.Count);
        return records / watch.Elapsed.TotalSeconds;
    }
}
