using System.Diagnostics;

namespace Oracle.Devnet.Runtime;

/// <summary>Runs a short command to completion and returns what it printed.</summary>
internal static class ProcessRunner
{
    /// <exception cref="LocalServiceException">The command failed; the message has its output.</exception>
    public static async Task<string> RunAsync(string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new LocalServiceException($"cannot start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return process.ExitCode == 0
            ? await stdout
            : throw new LocalServiceException($"`{fileName} {string.Join(' ', start.ArgumentList)}` failed ({process.ExitCode}): {await stderr}{await stdout}");
    }
}
