using Oracle.Devnet.Runtime;
using Oracle.SoundnessBench;
using Oracle.Testing;

// Arbitration soundness (docs/performance.md): oracle nodes as processes on a fresh Hardhat node of their own, some of
// them voting against the evidence, over scripted disputes whose wronged parties appeal wrong rulings. Progress on
// standard error; the last line of standard output is one JSON object.
var settings = BenchSettings.FromEnvironment();
var folder = Path.Combine(Path.GetTempPath(), "oracle-soundness-" + Guid.NewGuid().ToString("N")[..8]);
await using var node = new HardhatNode(Path.Combine(folder, "hardhat"), RepositoryLayout.Find().ContractsDirectory);
using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(settings.TimeoutMinutes));
try
{
    await node.StartAsync(cts.Token);
    var chain = await ChainFixture.ForAsync(node.RpcUrl);
    var result = await new SoundnessRun(chain, settings, Console.Error).RunAsync(cts.Token);
    Console.WriteLine(result.ToJson());
    return 0;
}
finally
{
    await node.StopAsync(CancellationToken.None);
    node.DeleteDataDirectory();
}
