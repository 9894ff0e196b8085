namespace EvidenceCollector.Log;

/// <summary>
/// Work done by the sequencer's process only (anchoring, retention): <see cref="LeaderService"/> runs every duty while
/// it holds the lease and cancels them when it loses it.
/// </summary>
internal interface ILeaderDuty
{
    /// <summary>The duty's name, for logs.</summary>
    string Name { get; }

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled; handles and logs its own failures (retrying).</summary>
    Task RunAsync(CancellationToken cancellationToken);
}
