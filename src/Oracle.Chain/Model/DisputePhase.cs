namespace Oracle.Chain.Model;

/// <summary><c>IDisputeManager.Phase</c>.</summary>
public enum DisputePhase : byte
{
    /// <summary>No such dispute.</summary>
    None = 0,

    /// <summary>Waiting for the randomness and the draw; after the round's drawing deadline anyone may end it.</summary>
    Drawing = 1,

    /// <summary>Jurors commit.</summary>
    Commit = 2,

    /// <summary>Jurors reveal.</summary>
    Reveal = 3,

    /// <summary>The round's loser may appeal.</summary>
    Appealable = 4,

    /// <summary>Anyone may execute the ruling.</summary>
    Executable = 5,

    /// <summary>Done: the ruling was executed, or round 0 was dismissed undrawn (ruling None).</summary>
    Executed = 6,
}
