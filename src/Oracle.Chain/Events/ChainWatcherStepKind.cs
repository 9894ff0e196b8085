namespace Oracle.Chain.Events;

/// <summary>The kinds of <see cref="ChainWatcherStep"/>.</summary>
public enum ChainWatcherStepKind
{
    /// <summary>Nothing new is confirmed yet.</summary>
    Idle,

    /// <summary>A batch was handled and the cursor moved past it.</summary>
    Handled,

    /// <summary>A reorganization was found and the handler rolled back to <see cref="ChainWatcherStep.ToBlock"/>.</summary>
    RolledBack,

    /// <summary>Nothing was committed: the cursor or the chain moved meanwhile; the next step starts over.</summary>
    Conflict,
}
