using System.Diagnostics;
using Oracle.Devnet.Runtime;

namespace OracleNode.Tests.Support;

/// <summary>Runs <c>oracle-node</c> commands as an operator does, and returns what they printed and their exit code.</summary>
internal static class NodeCli
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] arguments)
    {
        var dll = RepositoryLayout.Find().ServiceAssembly("OracleNode", "oracle-node") ?? throw new InvalidOperationException("src/OracleNode is not built");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("ORACLE_KEYSTORE_PASSWORD");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"oracle-node {string.Join(' ', arguments)} did not exit: {await output}");
        }

        return (process.ExitCode, await output, await error);
    }
}
