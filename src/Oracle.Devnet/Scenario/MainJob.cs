using System.Diagnostics;
using Oracle.Devnet.Runtime;

namespace Oracle.Devnet.Scenario;

/// <summary>
/// <c>./oracle up</c>: plays the whole network from a packet to a ruling (<see cref="MainJobSteps"/>), then prints the
/// timeline and the summary. A failing step is named, every component's log is copied into one folder, and everything
/// started is stopped.
/// </summary>
public sealed class MainJob : IAsyncDisposable
{
    private readonly ScenarioWorld _world;
    private bool _disposed;

    private MainJob(MainJobOptions options, IScenarioReporter reporter)
    {
        _world = new ScenarioWorld(options, reporter);
    }

    /// <summary>What the steps found.</summary>
    public ScenarioFacts Facts => _world.Facts;

    /// <summary>The world the steps acted in (the devnet, the people, the namespaces).</summary>
    public ScenarioWorld World => _world;

    /// <summary>
    /// Plays every step. On failure everything is stopped and the logs are kept (<see cref="MainJobFailedException"/>
    /// says where); on success the network stays up until the returned job is disposed.
    /// </summary>
    /// <exception cref="MainJobFailedException">A step failed.</exception>
    public static async Task<MainJob> PlayAsync(MainJobOptions options, IScenarioReporter reporter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(reporter);
        var job = new MainJob(options, reporter);
        var steps = MainJobSteps.All;
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            reporter.StepStarted(i + 1, steps.Count, step.Title);
            var watch = Stopwatch.StartNew();
            try
            {
                await step.RunAsync(job._world, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var logs = await job.KeepLogsAsync();
                await job.DisposeAsync();
                throw new MainJobFailedException(i + 1, step.Title, e, logs);
            }
            catch
            {
                await job.DisposeAsync();
                throw;
            }

            reporter.StepFinished(watch.Elapsed);
        }

        return job;
    }

    /// <summary>The timeline and summary of what happened on the chain and in the gateways.</summary>
    public Task<MainJobReport> ReportAsync(CancellationToken cancellationToken) => MainJobReport.BuildAsync(_world, cancellationToken);

    /// <summary>Whether every process the job started still runs.</summary>
    public bool IsHealthy => _world.Network.State.Processes.All(p => p.Process.IsAlive()) || _world.Network.Services.Values.All(s => s.IsRunning || s.Name.EndsWith("-gateway", StringComparison.Ordinal));

    /// <summary>Stops every process, removes the namespaces and the data folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_world.Network is not null)
        {
            await _world.Network.DisposeAsync();
        }
        else if (_world.Topology is { } topology)
        {
            await ScenarioTopology.DeleteAsync(topology.Namespaces, topology.Bridge, CancellationToken.None);
        }
    }

    // Every log of every component (servers, services, gateways, helpers) into one folder outside the data folder.
    private async Task<string> KeepLogsAsync()
    {
        var target = _world.Options.FailureLogsDirectory;
        Directory.CreateDirectory(target);
        if (Directory.Exists(_world.Options.DataDirectory))
        {
            foreach (var log in Directory.EnumerateFiles(_world.Options.DataDirectory, "*.log", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(_world.Options.DataDirectory, log).Replace(Path.DirectorySeparatorChar, '_');
                File.Copy(log, Path.Combine(target, relative), overwrite: true);
            }

            foreach (var config in Directory.EnumerateFiles(_world.Folder, "*.json", SearchOption.AllDirectories).Where(f => !f.Contains("/keys/", StringComparison.Ordinal)))
            {
                var relative = "config_" + Path.GetRelativePath(_world.Folder, config).Replace(Path.DirectorySeparatorChar, '_');
                File.Copy(config, Path.Combine(target, relative), overwrite: true);
            }
        }

        await File.WriteAllTextAsync(Path.Combine(target, "facts.txt"), string.Join('\n', _world.Facts.NotPlayed.Prepend("not played:")));
        return target;
    }
}
