namespace Oracle.Chain.Events;

/// <summary>What one <see cref="ChainWatcher.StepAsync"/> did.</summary>
/// <param name="Kind">Handled a batch, rolled back, nothing to do, or lost a race.</param>
/// <param name="FromBlock">The batch's first block (<see cref="ChainWatcherStepKind.Handled"/>).</param>
/// <param name="ToBlock">The batch's last block, or the block rolled back to.</param>
/// <param name="Events">Events handed to the handler.</param>
public sealed record ChainWatcherStep(ChainWatcherStepKind Kind, ulong FromBlock = 0, ulong ToBlock = 0, int Events = 0)
{
    /// <summary>Nothing new is confirmed yet.</summary>
    public static readonly ChainWatcherStep Idle = new(ChainWatcherStepKind.Idle);

    /// <summary>Another instance of the watcher moved the cursor, or the chain moved under the read; try again.</summary>
    public static readonly ChainWatcherStep Conflict = new(ChainWatcherStepKind.Conflict);
}
