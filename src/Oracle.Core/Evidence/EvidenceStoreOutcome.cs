namespace Oracle.Core.Evidence;

/// <summary>What <see cref="IEvidenceBatchStore.TryStoreAsync"/> did.</summary>
public enum EvidenceStoreOutcome
{
    /// <summary>The batch was not held before and is stored durably now.</summary>
    Stored,

    /// <summary>A batch with this id and the same digest was already held; nothing changed.</summary>
    Duplicate,

    /// <summary>A batch with this id but another digest is held; the new one was not stored.</summary>
    Conflict,
}
