using System.Diagnostics;

namespace Oracle.Testing;

/// <summary>Runs short commands (ip, iperf3, ping...) with a time limit, capturing their output.</summary>
public static class Commands
{
    /// <summary>Runs <paramref name="argv"/> and waits at most <paramref name="timeout"/>; a command still running then is killed.</summary>
    public static async Task<ProcessResult> RunAsync(TimeSpan timeout, params string[] argv)
    {
        ArgumentNullException.ThrowIfNull(argv);
        TestPrograms.RequireCommand(argv);
        var start = new ProcessStartInfo(argv[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in argv.Skip(1))
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {argv[0]}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return new ProcessResult(string.Join(' ', argv), -1, await stdout, (await stderr) + $"\n(killed after {timeout.TotalSeconds:0} s)");
        }

        return new ProcessResult(string.Join(' ', argv), process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs <paramref name="argv"/> with a 30 s limit.</summary>
    public static Task<ProcessResult> RunAsync(params string[] argv) => RunAsync(TimeSpan.FromSeconds(30), argv);
}
