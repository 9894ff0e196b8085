namespace Arbitration.Api.ReadModel.Rows;

/// <summary>A <c>disputes</c> row joined with its current round's phase (computed in SQL against the read model's clock).</summary>
internal sealed class DisputeRow
{
    public long DisputeId { get; set; }
    public long SessionId { get; set; }
    public string Filer { get; set; } = "";
    public string Respondent { get; set; } = "";
    public short ClaimType { get; set; }
    public long RuleId { get; set; }
    public bool EvidenceVerified { get; set; }
    public long FiledAt { get; set; }
    public string EvidenceHash { get; set; } = "";
    public string EvidenceUri { get; set; } = "";
    public string Penalty { get; set; } = "";
    public string Record { get; set; } = "{}";
    public long FiledBlock { get; set; }
    public string FiledTx { get; set; } = "";
    public short Round { get; set; }
    public string Outcome { get; set; } = "";
    public short Ruling { get; set; }
    public string? Winner { get; set; }
    public string? PenaltyPaid { get; set; }
    public string? StakesPaid { get; set; }
    public string? Refund { get; set; }
    public long? ClosedAt { get; set; }
    public string Phase { get; set; } = "";
    public long? PhaseEndsAt { get; set; }
    public short CurrentRuling { get; set; }
}
