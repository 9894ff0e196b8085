namespace EvidenceCollector.Audit;

/// <summary>What is wrong with a collector's log (each makes the audit exit non-zero).</summary>
internal enum AuditFindingKind
{
    /// <summary>Two different roots for one size: an anchored or signed root that the stored data does not produce, or anchors that are not consistent.</summary>
    Fork,

    /// <summary>Leaves, nodes or checkpoints missing in the middle of a log.</summary>
    Gap,

    /// <summary>Data that must be there is not (a record before its retention ended, a batch of a leaf, leaves behind an anchor).</summary>
    Missing,

    /// <summary>Stored data that does not match what it was made from (a leaf hash that is not its leaf's, a leaf that is not its batch's, a bad signature).</summary>
    Tampered,
}
