using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Arbitration.Bench;
using Nethereum.RPC.Eth.DTOs;
using Npgsql;
using Oracle.Chain;
using Oracle.Chain.Deployment;
using Oracle.Chain.Keys;
using Oracle.Devnet.Runtime;

// bench/api.sh: on a Hardhat node and a PostgreSQL cluster of its own (free ports, own folder, stopped by PID), runs the
// built Arbitration API as a process, fills its read model with 100,000 sessions and 10,000 disputes, measures
// GET /disputes/{id} and GET /sessions/{id} (closed loop: throughput and latency; open loop at 1,000 requests/s: latency)
// beside a same-run baseline (a static file), then relays signed filings; prints progress and, last, one JSON line.
var duration = TimeSpan.FromSeconds(args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 15);
const int Workers = 32;
const int Rate = 1000;
const int Filings = 100;

var layout = RepositoryLayout.Find();
var dll = layout.ServiceAssembly("Arbitration.Api", "Arbitration.Api") ?? throw new InvalidOperationException("src/Arbitration.Api is not built (bench/api.sh builds it)");
var folder = Path.Combine(Path.GetTempPath(), "oracle-apibench-" + Guid.NewGuid().ToString("N")[..8]);
Directory.CreateDirectory(folder);
await using var node = new HardhatNode(Path.Combine(folder, "hardhat"), layout.ContractsDirectory);
await using var postgres = new PostgresCluster(Path.Combine(folder, "postgres"));
ApiProcess? api = null;
// SIGTERM (bench/api.sh's timeout) or Ctrl-C: stop the API, the node and PostgreSQL by PID before exiting.
void Abort(PosixSignalContext context)
{
    context.Cancel = true;
    Console.Error.WriteLine($"{context.Signal}: stopping the API, the node and PostgreSQL");
    foreach (var stop in new Action[] { () => api?.Kill(), node.Kill, postgres.Kill, () => Directory.Delete(folder, recursive: true) })
    {
        try
        {
            stop();
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentOutOfRangeException or IOException or System.ComponentModel.Win32Exception)
        {
            Console.Error.WriteLine(e.Message); // not started yet, or already gone
        }
    }

    Environment.Exit(130);
}

using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Abort);
using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Abort);
try
{
    await Task.WhenAll(node.StartAsync(), postgres.StartAsync());
    Console.WriteLine($"chain at {node.RpcUrl}, PostgreSQL on port {postgres.Port}");
    var chain = new BenchChain(node.RpcUrl, null!);
    var (deployerKey, deployer) = await chain.NewAccountAsync(1_000_000);
    var manifest = await OracleNetworkDeployer.DeployAsync(deployer, "bench");
    var manifestPath = Path.Combine(folder, "bench.json");
    manifest.Save(manifestPath);
    chain = new BenchChain(node.RpcUrl, manifest);
    var (relayer, _) = await chain.NewAccountAsync(10_000);
    KeyStoreFile.Create(Path.Combine(folder, "relayer.json"), relayer, "bench", KeyStoreCost.Light);
    await File.WriteAllTextAsync(Path.Combine(folder, "password"), "bench\n");
    await using (var admin = new NpgsqlConnection(postgres.ConnectionString))
    {
        await admin.OpenAsync();
        await using var create = new NpgsqlCommand("CREATE DATABASE bench", admin);
        await create.ExecuteNonQueryAsync();
    }

    var database = new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Database = "bench", MaxPoolSize = 100 }.ConnectionString;
    api = await ApiProcess.StartAsync(dll, new Dictionary<string, string>
    {
        ["Chain:RpcUrl"] = node.RpcUrl,
        ["Chain:Manifest"] = manifestPath,
        ["Chain:Keystore"] = Path.Combine(folder, "relayer.json"),
        ["Chain:PasswordFile"] = Path.Combine(folder, "password"),
        ["Chain:Transactions:PollInterval"] = "00:00:00.050",
        ["Chain:Watcher:PollInterval"] = "00:00:00.200",
        ["Database:ConnectionString"] = database,
        ["Api:FilingsPerMinute"] = "100000",
        ["Api:EvidencePerMinute"] = "100000",
        ["Relayer:MaxFilingsPerFilerPerDay"] = "1000",
        ["Relayer:MaxWeiPerFilerPerDay"] = "1000000000000000000000",
        ["Relayer:MaxWeiPerDay"] = "1000000000000000000000",
        ["Logging:LogLevel:Default"] = "Warning",
    }, Path.Combine(folder, "api.log"));
    Console.WriteLine($"API at {api.BaseAddress}");
    using var http = new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(120) };

    // Accounts for the filings: a provider and one client per filing, each with an open session.
    var provider = await chain.NewProviderAsync();
    var sessions = new List<(Nethereum.Signer.EthECKey Client, ulong SessionId)>();
    using (var gate = new SemaphoreSlim(8))
    {
        await Task.WhenAll(Enumerable.Range(0, Filings).Select(async _ =>
        {
            await gate.WaitAsync();
            try
            {
                var session = await chain.NewSessionAsync(provider.GetPublicAddress());
                lock (sessions)
                {
                    sessions.Add(session);
                }
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    var web3 = ChainConnection.ReadOnly(node.RpcUrl);
    var head = await web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(BlockParameter.CreateLatest());
    await WaitForReadModelAsync(http, (long)head.Number.Value);
    await ReadModelSeed.RunAsync(database, (long)head.Timestamp.Value, Console.Out);
    Console.WriteLine($"read model: {ReadModelSeed.Sessions} sessions and {ReadModelSeed.Disputes} disputes seeded, {Filings} sessions on the chain");

    var load = new LoadGenerator(api.BaseAddress);
    string Dispute(Random r) => $"disputes/{ReadModelSeed.FirstId + r.Next(ReadModelSeed.Disputes)}";
    string Session(Random r) => $"sessions/{ReadModelSeed.FirstId + r.Next(ReadModelSeed.Sessions)}";
    var warmUp = TimeSpan.FromSeconds(3);
    var baseline = await load.ClosedLoopAsync(_ => "app.js", Workers, warmUp, duration);
    Console.WriteLine($"baseline GET /app.js (static file): {baseline}");
    var disputes = await load.ClosedLoopAsync(Dispute, Workers, warmUp, duration);
    Console.WriteLine($"GET /disputes/{{id}}, {Workers} clients: {disputes}");
    var sessionReads = await load.ClosedLoopAsync(Session, Workers, warmUp, duration);
    Console.WriteLine($"GET /sessions/{{id}}, {Workers} clients: {sessionReads}");
    var disputesAtRate = await load.OpenLoopAsync(Dispute, Rate, duration);
    Console.WriteLine($"GET /disputes/{{id}} at {Rate} requests/s: {disputesAtRate}");
    var sessionsAtRate = await load.OpenLoopAsync(Session, Rate, duration);
    Console.WriteLine($"GET /sessions/{{id}} at {Rate} requests/s: {sessionsAtRate}");

    var deadline = (ulong)head.Timestamp.Value + 86_400;
    var bodies = new List<JsonObject>();
    foreach (var (client, sessionId) in sessions)
    {
        bodies.Add(await FilingLoad.SignAsync(http, manifest, (ulong)node.ChainId, client, sessionId, deadline));
    }

    var (filingsPerSecond, filed, filingP50) = await FilingLoad.RunAsync(http, bodies, concurrency: 16);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"filings: {filed} of {Filings} relayed and mined, {filingsPerSecond:0.0} per second (16 at a time, p50 {filingP50:0} ms each)"));

    var result = new JsonObject
    {
        ["disputes_rps"] = Math.Round(disputes.Rps),
        ["disputes_p50_ms"] = Math.Round(disputes.P50Ms, 2),
        ["disputes_p99_ms"] = Math.Round(disputes.P99Ms, 2),
        ["sessions_rps"] = Math.Round(sessionReads.Rps),
        ["sessions_p50_ms"] = Math.Round(sessionReads.P50Ms, 2),
        ["sessions_p99_ms"] = Math.Round(sessionReads.P99Ms, 2),
        ["disputes_p50_ms_at_1000_rps"] = Math.Round(disputesAtRate.P50Ms, 2),
        ["disputes_p99_ms_at_1000_rps"] = Math.Round(disputesAtRate.P99Ms, 2),
        ["sessions_p50_ms_at_1000_rps"] = Math.Round(sessionsAtRate.P50Ms, 2),
        ["sessions_p99_ms_at_1000_rps"] = Math.Round(sessionsAtRate.P99Ms, 2),
        ["baseline_static_rps"] = Math.Round(baseline.Rps),
        ["disputes_vs_baseline"] = Math.Round(disputes.Rps / baseline.Rps, 3),
        ["sessions_vs_baseline"] = Math.Round(sessionReads.Rps / baseline.Rps, 3),
        ["read_errors"] = baseline.Errors + disputes.Errors + sessionReads.Errors + disputesAtRate.Errors + sessionsAtRate.Errors,
        ["filings_per_s"] = Math.Round(filingsPerSecond, 2),
        ["filings"] = filed,
        ["sessions"] = ReadModelSeed.Sessions,
        ["disputes"] = ReadModelSeed.Disputes,
    };
    Console.WriteLine(result.ToJsonString());
    return filed == Filings && (int)result["read_errors"]! == 0 ? 0 : 1;
}
finally
{
    if (api is not null)
    {
        await api.DisposeAsync();
    }

    await Task.WhenAll(node.StopAsync(CancellationToken.None), postgres.StopAsync(CancellationToken.None));
    Directory.Delete(folder, recursive: true);
}

static async Task WaitForReadModelAsync(HttpClient http, long block)
{
    for (var i = 0; i < 600; i++)
    {
        var status = JsonNode.Parse(await http.GetStringAsync(new Uri("status", UriKind.Relative)));
        if (status?["asOf"]?["block"]?.GetValue<long>() >= block)
        {
            return;
        }

        await Task.Delay(200);
    }

    throw new TimeoutException($"the read model did not reach block {block}");
}
