using Oracle.Devnet.Runtime;
using Oracle.GasBench;

// Measures the gas of every contract operation the issue names on a fresh Hardhat node of its own (free port, own
// folder, stopped by PID at the end), prints one line per measurement and, last, one JSON object.
if (Environment.GetEnvironmentVariable("ORACLE_GASBENCH_RPC") is { Length: > 0 } existing)
{
    // Profiling: run against a node someone else started (and will trace).
    Console.WriteLine((await new GasScenario(existing, Console.Out).RunAsync(CancellationToken.None)).ToJson());
    return 0;
}

var layout = RepositoryLayout.Find();
var folder = Path.Combine(Path.GetTempPath(), "oracle-gasbench-" + Guid.NewGuid().ToString("N")[..8]);
await using var node = new HardhatNode(folder, layout.ContractsDirectory);
using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(15));
try
{
    await node.StartAsync(cts.Token);
    var results = await new GasScenario(node.RpcUrl, Console.Out).RunAsync(cts.Token);
    Console.WriteLine(results.ToJson());
    return 0;
}
finally
{
    await node.StopAsync(CancellationToken.None);
    node.DeleteDataDirectory();
}
