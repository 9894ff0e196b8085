namespace EvidenceCollector.Audit;

/// <summary>What the audit checked and found.</summary>
internal sealed class AuditReport
{
    /// <summary>Problems, in the order found.</summary>
    public List<AuditFinding> Findings { get; } = [];

    /// <summary>Leaves of the global log checked.</summary>
    public ulong GlobalLeaves { get; set; }

    /// <summary>Anchors read from the chain and checked.</summary>
    public int Anchors { get; set; }

    /// <summary>Signed checkpoints of the global log checked.</summary>
    public int Checkpoints { get; set; }

    /// <summary>Sessions checked.</summary>
    public int Sessions { get; set; }

    /// <summary>Session checkpoints (batches) checked.</summary>
    public int SessionCheckpoints { get; set; }

    /// <summary>Session leaves checked.</summary>
    public long SessionLeaves { get; set; }

    /// <summary>Accepted batches not yet in the global log (normal for a running collector; reported, not a problem).</summary>
    public long Unsequenced { get; set; }

    /// <summary>Whether nothing is wrong.</summary>
    public bool IsClean => Findings.Count == 0;
}
