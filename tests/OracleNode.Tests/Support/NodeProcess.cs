using System.Diagnostics;
using System.Text.Json.Nodes;
using Oracle.Devnet.Runtime;
using OracleNode.Storage;

namespace OracleNode.Tests.Support;

/// <summary>
/// One <c>oracle-node run</c> as a real process, as an operator runs it: a JSON configuration file, its own SQLite store,
/// output in a log file. Killed (SIGKILL, by PID) and started again on the same store by the crash tests.
/// </summary>
internal sealed class NodeProcess : IAsyncDisposable
{
    private readonly string _config;
    private Process? _process;

    public NodeProcess(string name, Party oracle, string configPath, string storePath, string logPath)
    {
        Name = name;
        Oracle = oracle;
        _config = configPath;
        StorePath = storePath;
        LogPath = logPath;
    }

    public string Name { get; }

    public Party Oracle { get; }

    public string StorePath { get; }

    public string LogPath { get; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>The node's store (read by the tests while the node runs: SQLite in WAL mode allows it).</summary>
    public INodeStore Store => new SqliteNodeStore(StorePath);

    /// <summary>Writes a node's configuration file.</summary>
    public static void WriteConfig(string path, TestWorld world, string keystore, string storePath, Action<JsonObject>? adjust = null)
    {
        var config = new JsonObject
        {
            ["Chain"] = new JsonObject
            {
                ["RpcUrl"] = world.Chain.RpcUrl,
                ["Manifest"] = world.ManifestPath,
                ["Keystore"] = keystore,
                ["PasswordFile"] = world.PasswordFile,
                ["Watcher"] = new JsonObject { ["PollInterval"] = "00:00:00.500" },
                // The local chain mines at once: a transaction pending for a block was taken out (a reorganization) and
                // is sent again at once.
                ["Transactions"] = new JsonObject { ["PollInterval"] = "00:00:00.250", ["StuckBlocks"] = 1 },
            },
            ["Store"] = new JsonObject { ["SqlitePath"] = storePath },
            // Every node holds the network's VRF key: whichever answers a draw's request first, the others skip it.
            ["Randomness"] = new JsonObject { ["VrfKeystore"] = world.VrfKeystore },
            ["Node"] = new JsonObject { ["TickInterval"] = "00:00:00.500" },
            ["Voting"] = new JsonObject { ["DecisionMargin"] = "00:00:00", ["DeadlineWarning"] = "00:02:00" },
            ["Keeper"] = new JsonObject { ["Slot"] = "00:00:02" },
            ["Urls"] = "http://127.0.0.1:0",
            ["Logging"] = new JsonObject { ["LogLevel"] = new JsonObject { ["Default"] = "Information", ["Microsoft"] = "Warning", ["System.Net.Http"] = "Warning" } },
        };
        adjust?.Invoke(config);
        File.WriteAllText(path, config.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Starts the process (again).</summary>
    public void Start()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"{Name} runs already");
        }

        var dll = RepositoryLayout.Find().ServiceAssembly("OracleNode", "oracle-node") ?? throw new InvalidOperationException("src/OracleNode is not built");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("run");
        start.ArgumentList.Add("--config");
        start.ArgumentList.Add(_config);
        start.Environment["DOTNET_gcServer"] = "0";
        var process = Process.Start(start)!;
        var log = new StreamWriter(LogPath, append: true) { AutoFlush = true };
        log.WriteLine($"--- started pid {process.Id} at {DateTimeOffset.UtcNow:O}");
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.Exited += (_, _) =>
        {
            // WaitForExit() also waits for the redirected output to be read to its end.
            process.WaitForExit();
            Write(log, $"--- exited with {process.ExitCode} at {DateTimeOffset.UtcNow:O}");
        };
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
    }

    /// <summary>Kills the process at once (SIGKILL): a crash, no shutdown.</summary>
    public async Task KillAsync()
    {
        if (_process is { } process && !process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>The node's log so far.</summary>
    public string Log() => File.Exists(LogPath) ? ReadShared(LogPath) : "";

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }
}
