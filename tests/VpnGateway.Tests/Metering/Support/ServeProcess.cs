using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;

namespace VpnGateway.Tests.Metering.Support;

/// <summary>
/// The provider's metering pipeline as a process of its own (tools/Oracle.MeteringBench <c>serve</c>), so a test can
/// kill it with SIGKILL like a crash. Killed on dispose if still running.
/// </summary>
internal sealed class ServeProcess : IDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();

    private ServeProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _lines.Writer.TryComplete();
            }
            else
            {
                _lines.Writer.TryWrite(e.Data);
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (Errors)
                {
                    Errors.Add(e.Data);
                }
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int ExitCode => _process.ExitCode;

    /// <summary>What the process wrote to standard error (its warnings, or why it failed).</summary>
    public List<string> Errors { get; } = [];

    public string ErrorText
    {
        get
        {
            lock (Errors)
            {
                return string.Join('\n', Errors.TakeLast(40));
            }
        }
    }

    public static ServeProcess Start(string spool, string amqpUrl, ulong session, long stopAfter, int epochMs)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { ToolPath(), "serve", "--spool", spool, "--amqp", amqpUrl, "--session", session.ToString(CultureInfo.InvariantCulture),
            "--stop-after", stopAfter.ToString(CultureInfo.InvariantCulture), "--epoch-ms", epochMs.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(a);
        }

        return new ServeProcess(Process.Start(start) ?? throw new InvalidOperationException("cannot start the metering process"));
    }

    /// <summary>Waits for the next output line starting with <paramref name="prefix"/> and returns its number.</summary>
    public async Task<ulong> WaitForAsync(string prefix, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (await _lines.Reader.WaitToReadAsync(cts.Token))
        {
            var line = await _lines.Reader.ReadAsync(cts.Token);
            if (line.StartsWith(prefix + " ", StringComparison.Ordinal))
            {
                return ulong.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"the metering process ended before printing '{prefix}' (exit {(_process.HasExited ? _process.ExitCode : -1)}):\n{ErrorText}");
    }

    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public Task WaitForExitAsync(TimeSpan timeout) => _process.WaitForExitAsync().WaitAsync(timeout);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }

    private static string ToolPath() => RepositoryTools.Dll("Oracle.MeteringBench");
}
