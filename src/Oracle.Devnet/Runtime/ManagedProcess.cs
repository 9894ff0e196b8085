using System.Diagnostics;

namespace Oracle.Devnet.Runtime;

/// <summary>
/// A server process started by the devnet: it leads its own session and process group (setsid), writes its output
/// to a log file (so it outlives a detached `up`), and is stopped by its PID, never by name.
/// </summary>
public sealed class ManagedProcess
{
    private ManagedProcess(ProcessIdentity identity, string logPath, Process? child)
    {
        Identity = identity;
        LogPath = logPath;
        _child = child;
    }

    private readonly Process? _child;

    /// <summary>PID and start time.</summary>
    public ProcessIdentity Identity { get; }

    /// <summary>Where stdout and stderr go.</summary>
    public string LogPath { get; }

    /// <summary>Whether the process is still running.</summary>
    public bool IsAlive => Identity.IsAlive();

    /// <summary>Starts <paramref name="fileName"/> in a new session with output appended to <paramref name="logPath"/>.</summary>
    /// <param name="name">A name for logs and state.json.</param>
    /// <param name="fileName">The program.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="logPath">The log file.</param>
    /// <param name="workingDirectory">The working directory.</param>
    /// <param name="environment">Extra environment variables.</param>
    /// <param name="runAsUser">Drop to this user first (with setpriv, keeping the same PID); null keeps the current user.</param>
    public static ManagedProcess Start(string name, string fileName, IEnumerable<string> arguments, string logPath,
        string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null, string? runAsUser = null)
    {
        // setsid execs (same PID) because our child is not a group leader; sh then execs the program after
        // redirecting, so the PID we get is the server's own. setpriv also execs.
        var start = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            RedirectStandardInput = false,
            RedirectStandardOutput = false,
            RedirectStandardError = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        start.ArgumentList.Add("sh");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec \"$@\" >>\"$LOG\" 2>&1 </dev/null");
        start.ArgumentList.Add("sh");
        if (runAsUser is not null)
        {
            start.ArgumentList.Add("setpriv");
            start.ArgumentList.Add($"--reuid={runAsUser}");
            start.ArgumentList.Add($"--regid={runAsUser}");
            start.ArgumentList.Add("--init-groups");
            start.ArgumentList.Add("--");
        }

        start.ArgumentList.Add(fileName);
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["LOG"] = logPath;
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                start.Environment[key] = value;
            }
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logPath))!);
        File.AppendAllText(logPath, "");
        var child = Process.Start(start) ?? throw new InvalidOperationException($"could not start {name}");
        var identity = ProcessIdentity.Of(child.Id, name)
            ?? throw new InvalidOperationException($"{name} exited at once; see {logPath}");
        return new ManagedProcess(identity, logPath, child);
    }

    /// <summary>Re-attaches to a process recorded in state.json (a detached devnet).</summary>
    public static ManagedProcess Attach(ProcessIdentity identity, string logPath) => new(identity, logPath, null);

    /// <summary>
    /// Asks the process to stop with <paramref name="signal"/>, waits up to <paramref name="grace"/>, then kills its
    /// whole process group. Does nothing when the process is gone (or its PID now belongs to someone else).
    /// </summary>
    /// <returns>Whether it had to be killed.</returns>
    public async Task<bool> StopAsync(int signal, TimeSpan grace, CancellationToken cancellationToken = default)
    {
        if (!IsAlive)
        {
            Reap();
            return false;
        }

        Native.Kill(Identity.Pid, signal);
        var deadline = DateTime.UtcNow + grace;
        while (DateTime.UtcNow < deadline)
        {
            Reap();
            if (!IsAlive)
            {
                return false;
            }

            await Task.Delay(50, cancellationToken);
        }

        Kill();
        return true;
    }

    /// <summary>Kills the process and its group at once (SIGKILL): a crash, for tests that need one.</summary>
    public void Kill()
    {
        if (IsAlive)
        {
            Native.Kill(-Identity.Pid, Native.SigKill);
            Native.Kill(Identity.Pid, Native.SigKill);
        }

        for (var i = 0; i < 100 && IsAlive; i++)
        {
            Reap();
            Thread.Sleep(20);
        }

        Reap();
    }

    /// <summary>The last lines of the log, for error messages.</summary>
    public string LogTail(int lines = 20)
    {
        try
        {
            var all = File.ReadAllLines(LogPath);
            return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
        }
        catch (IOException)
        {
            return "";
        }
    }

    // Our own child becomes a zombie when it exits; waiting on it lets the kernel drop it.
    private void Reap()
    {
        if (_child is { HasExited: true })
        {
            _child.WaitForExit();
        }
    }
}
