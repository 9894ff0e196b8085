namespace Oracle.Devnet.Runtime;

/// <summary>
/// One server of the local network (Hardhat node, PostgreSQL cluster, RabbitMQ node): started as a throwaway process
/// on its own port with its own data folder, waited on until healthy, stopped by PID.
/// </summary>
public abstract class LocalService : IAsyncDisposable
{
    /// <summary>Creates the service description; nothing starts until <see cref="StartAsync"/>.</summary>
    protected LocalService(string name, string dataDirectory)
    {
        Name = name;
        DataDirectory = Path.GetFullPath(dataDirectory);
    }

    /// <summary>A short name for progress lines and state.json.</summary>
    public string Name { get; }

    /// <summary>The folder holding the service's data and log; removed by <see cref="DisposeAsync"/> unless kept.</summary>
    public string DataDirectory { get; }

    /// <summary>The processes the service started (the server, and helpers such as epmd).</summary>
    public IReadOnlyList<ManagedProcess> Processes => _processes;

    /// <summary>The server's log file.</summary>
    public string LogPath => Path.Combine(DataDirectory, Name + ".log");

    /// <summary>How long <see cref="StartAsync"/> waits for the service to become healthy.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    private readonly List<ManagedProcess> _processes = [];

    /// <summary>Starts the service (creating its data on first start) and waits until it answers.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_processes.Any(p => p.IsAlive))
        {
            throw new InvalidOperationException($"{Name} is already running");
        }

        _processes.Clear();
        Directory.CreateDirectory(DataDirectory);
        await StartProcessesAsync(cancellationToken);
        await WaitHealthyAsync(cancellationToken);
    }

    /// <summary>Stops the service gracefully (its own shutdown signal), killing it if it does not stop in time.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        // Helpers (epmd) were started first and stop last.
        for (var i = _processes.Count - 1; i >= 0; i--)
        {
            await _processes[i].StopAsync(i == _processes.Count - 1 ? StopSignal : Native.SigTerm, TimeSpan.FromSeconds(15), cancellationToken);
        }
    }

    /// <summary>Kills the server process at once (SIGKILL), leaving helpers running: a crash, for tests.</summary>
    public void Kill() => _processes[^1].Kill();

    /// <summary>Starts the service again on the same ports and data (after <see cref="StopAsync"/> or <see cref="Kill"/>).</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync(cancellationToken);
        await StartAsync(cancellationToken);
    }

    /// <summary>The processes with the signal that stops each gracefully, in start order (for state.json).</summary>
    public IEnumerable<StartedProcess> StartedProcesses
        => _processes.Select((p, i) => new StartedProcess
        {
            Process = p.Identity,
            StopSignal = i == _processes.Count - 1 ? StopSignal : Native.SigTerm,
            Log = p.LogPath,
        });

    /// <summary>Whether every process of the service is running.</summary>
    public bool IsRunning => _processes.Count > 0 && _processes.All(p => p.IsAlive);

    /// <summary>Whether the service answers right now.</summary>
    public abstract Task<bool> IsHealthyAsync(CancellationToken cancellationToken = default);

    /// <summary>Stops the service and deletes its data folder.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        DeleteDataDirectory();
        GC.SuppressFinalize(this);
    }

    /// <summary>Removes the data folder (the service must be stopped).</summary>
    public void DeleteDataDirectory()
    {
        if (Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }

    /// <summary>The signal that asks the server for a graceful shutdown.</summary>
    protected virtual int StopSignal => Native.SigTerm;

    /// <summary>Creates data on first start and starts the processes through <see cref="Launch"/>.</summary>
    protected abstract Task StartProcessesAsync(CancellationToken cancellationToken);

    /// <summary>Starts one process of the service and remembers it (the last one launched is the server).</summary>
    protected ManagedProcess Launch(string name, string fileName, IEnumerable<string> arguments, string? logPath = null,
        string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null, string? runAsUser = null)
    {
        var process = ManagedProcess.Start(name, fileName, arguments, logPath ?? LogPath, workingDirectory, environment, runAsUser);
        _processes.Add(process);
        return process;
    }

    /// <summary>Forgets a process that ended while starting, before launching its replacement (a port taken meanwhile).</summary>
    protected void Forget(ManagedProcess process) => _processes.Remove(process);

    /// <summary>Runs a one-shot command (initdb, say) with its output in the service's log, and waits for it to end.</summary>
    protected async Task<ManagedProcess> RunToCompletionAsync(string name, string fileName, IEnumerable<string> arguments,
        string? runAsUser, CancellationToken cancellationToken)
    {
        var process = ManagedProcess.Start(name, fileName, arguments, LogPath, runAsUser: runAsUser);
        try
        {
            while (process.IsAlive)
            {
                await Task.Delay(50, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw;
        }

        return process;
    }

    private async Task WaitHealthyAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var dead = _processes.FirstOrDefault(p => !p.IsAlive);
            if (dead is not null)
            {
                throw new LocalServiceException($"{Name} exited while starting; last lines of {dead.LogPath}:\n{dead.LogTail()}");
            }

            try
            {
                if (await IsHealthyAsync(cancellationToken))
                {
                    return;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Not up yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new LocalServiceException($"{Name} did not become healthy within {StartTimeout.TotalSeconds:0} s; last lines of {LogPath}:\n{_processes[^1].LogTail()}");
            }

            await Task.Delay(100, cancellationToken);
        }
    }
}
