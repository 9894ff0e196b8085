namespace EvidenceCollector.Ingestion;

/// <summary>What <see cref="EvidenceStore.StoreGroupAsync"/> did with a verified batch.</summary>
internal enum StoreOutcome
{
    /// <summary>Stored now, durably (committed with its group).</summary>
    Stored,

    /// <summary>Already held with the same digest: nothing changed.</summary>
    Duplicate,

    /// <summary>Held with another digest: the new version was kept as a conflict (committed), not stored as evidence.</summary>
    Conflict,

    /// <summary>The batch starts inside the session's log at a size no checkpoint of it has: a fork, kept as a conflict.</summary>
    Fork,

    /// <summary>The batch starts after the session's log ends (a batch before it is missing): nothing written.</summary>
    Gap,

    /// <summary>The records, appended to the session's log, do not give the checkpoint's root: nothing written.</summary>
    RootMismatch,

    /// <summary>The checkpoint's epoch time is before the session's previous one: nothing written.</summary>
    TimeReversed,
}
