using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Oracle.Testing;

/// <summary>
/// A throwaway network namespace (<c>ip netns</c>) for tests that need real network devices: deleted on dispose, with
/// every process started in it tracked by PID and killed. Use only addresses from 198.18.0.0/15 and give the
/// namespace no route out, so nothing ever leaves it. Needs root.
/// </summary>
public sealed partial class NetworkNamespace : IAsyncDisposable
{
    private const int CloneNewNet = 0x40000000;
    private readonly List<Process> _processes = [];

    private NetworkNamespace(string name) => Name = name;

    /// <summary>The namespace's name (<c>&lt;prefix&gt;-&lt;pid&gt;-&lt;random&gt;</c>).</summary>
    public string Name { get; }

    /// <summary>Creates a namespace with its loopback up. Namespaces left by killed test processes are removed first.</summary>
    /// <param name="prefix">A short lower-case prefix naming the test suite (letters and digits).</param>
    public static async Task<NetworkNamespace> CreateAsync(string prefix)
    {
        if (!ValidPrefix().IsMatch(prefix))
        {
            throw new ArgumentException("prefix: 1-8 lower-case letters or digits", nameof(prefix));
        }

        await RemoveStaleAsync();
        var ns = new NetworkNamespace($"{prefix}-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}");
        (await Commands.RunAsync("ip", "netns", "add", ns.Name)).EnsureSuccess();
        (await ns.ExecAsync("ip", "link", "set", "lo", "up")).EnsureSuccess();
        return ns;
    }

    /// <summary>
    /// Joins two namespaces with a veth pair and gives each end an address (CIDR, from 198.18.0.0/15).
    /// </summary>
    /// <returns>The interface names in <paramref name="a"/> and in <paramref name="b"/>.</returns>
    public static async Task<(string InA, string InB)> ConnectAsync(NetworkNamespace a, string addressA, NetworkNamespace b, string addressB, int mtu = 1500)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var suffix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        string inA = "va" + suffix, inB = "vb" + suffix;
        (await Commands.RunAsync("ip", "link", "add", inA, "netns", a.Name, "mtu", Mtu(mtu), "type", "veth", "peer", "name", inB, "netns", b.Name, "mtu", Mtu(mtu))).EnsureSuccess();
        (await a.ExecAsync("ip", "addr", "add", addressA, "dev", inA)).EnsureSuccess();
        (await b.ExecAsync("ip", "addr", "add", addressB, "dev", inB)).EnsureSuccess();
        (await a.ExecAsync("ip", "link", "set", inA, "up")).EnsureSuccess();
        (await b.ExecAsync("ip", "link", "set", inB, "up")).EnsureSuccess();
        return (inA, inB);

        static string Mtu(int mtu) => mtu.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Runs a command inside the namespace (30 s limit).</summary>
    public Task<ProcessResult> ExecAsync(params string[] argv) => ExecAsync(TimeSpan.FromSeconds(30), argv);

    /// <summary>Runs a command inside the namespace with a time limit.</summary>
    public Task<ProcessResult> ExecAsync(TimeSpan timeout, params string[] argv)
        => Commands.RunAsync(timeout, ["ip", "netns", "exec", Name, .. argv]);

    /// <summary>
    /// Starts a long-running command inside the namespace (a server, a tunnel daemon); it is killed on dispose.
    /// Its output goes to <paramref name="logPath"/>.
    /// </summary>
    public Process StartProcess(string logPath, params string[] argv)
    {
        ArgumentNullException.ThrowIfNull(argv);
        TestPrograms.RequireCommand(argv);
        // `ip netns exec` execs the command, so the PID is the command's own; sh only redirects and execs too.
        var start = new ProcessStartInfo("ip") { UseShellExecute = false };
        foreach (var a in new[] { "netns", "exec", Name, "sh", "-c", "exec \"$@\" >>\"$LOG\" 2>&1 </dev/null", "sh" }.Concat(argv))
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["LOG"] = logPath;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {argv[0]}");
        lock (_processes)
        {
            _processes.Add(process);
        }

        return process;
    }

    /// <summary>
    /// Runs <paramref name="action"/> on a thread that has entered the namespace (setns), for code that must create
    /// sockets or TUN devices inside it from this process. File descriptors opened there stay in the namespace.
    /// </summary>
    public T RunInside<T>(Func<T> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        T result = default!;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var target = File.OpenHandle($"/var/run/netns/{Name}");
                if (SetNs((int)target.DangerousGetHandle(), CloneNewNet) != 0)
                {
                    throw new InvalidOperationException($"setns into {Name} failed: errno {Marshal.GetLastPInvokeError()}");
                }

                // This thread never leaves the namespace; it ends with the action.
                result = action();
            }
            catch (Exception e)
            {
                error = e;
            }
        });
        thread.Start();
        thread.Join();
        if (error is not null)
        {
            throw new InvalidOperationException($"action inside {Name} failed: {error.Message}", error);
        }

        return result;
    }

    /// <summary>Kills the processes started in the namespace and deletes it.</summary>
    public async ValueTask DisposeAsync()
    {
        Process[] processes;
        lock (_processes)
        {
            processes = [.. _processes];
        }

        foreach (var p in processes)
        {
            try
            {
                if (!p.HasExited)
                {
                    p.Kill(entireProcessTree: true);
                    await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
            catch (TimeoutException)
            {
                // Reported by the namespace deletion below if it keeps the namespace busy.
            }

            p.Dispose();
        }

        await Commands.RunAsync("ip", "netns", "del", Name);
    }

    private static async Task RemoveStaleAsync()
    {
        var list = await Commands.RunAsync("ip", "netns", "list");
        foreach (var line in list.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var match = OurName().Match(line.Split(' ')[0]);
            if (match.Success && int.TryParse(match.Groups[1].Value, CultureInfo.InvariantCulture, out var pid) && !Directory.Exists($"/proc/{pid}"))
            {
                await Commands.RunAsync("ip", "netns", "del", match.Value);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int nstype);

    [GeneratedRegex("^[a-z0-9]{1,8}$")]
    private static partial Regex ValidPrefix();

    [GeneratedRegex("^[a-z0-9]{1,8}-([0-9]+)-[0-9a-f]{6}$")]
    private static partial Regex OurName();
}
