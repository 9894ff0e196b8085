using Oracle.Devnet.Runtime;

namespace Oracle.Devnet.Scenario;

/// <summary>What <see cref="MainJob"/> plays and where.</summary>
public sealed record MainJobOptions
{
    /// <summary>The network's data folder (removed at the end).</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The repository (built services and tools).</summary>
    public required RepositoryLayout Repository { get; init; }

    /// <summary>Where every component's log is kept when a step fails (created then).</summary>
    public required string FailureLogsDirectory { get; init; }

    /// <summary>Also write deployments/devnet.json in the repository (the checkout's command line then finds the network).</summary>
    public bool WriteRepositoryManifest { get; init; }
}
