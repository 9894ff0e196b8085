namespace Arbitration.Api.ReadModel.Rows;

/// <summary>A <c>sessions</c> row (amounts as text).</summary>
internal sealed class SessionRow
{
    public long SessionId { get; set; }
    public string Client { get; set; } = "";
    public string Provider { get; set; } = "";
    public string Deposit { get; set; } = "";
    public string PricePerMib { get; set; } = "";
    public string Penalty { get; set; } = "";
    public short CommitteeSize { get; set; }
    public long OpenedAt { get; set; }
    public string PolicyHash { get; set; } = "";
    public string PanelHash { get; set; } = "";
    public string[] Panel { get; set; } = [];
    public long OpenedBlock { get; set; }
    public string OpenedTx { get; set; } = "";
    public string Status { get; set; } = "";
    public long? CloseDeadline { get; set; }
    public long? ClosedAt { get; set; }
    public string Paid { get; set; } = "";
    public string Refunded { get; set; } = "";
    public string Penalized { get; set; } = "";
    public string CumulativeAmount { get; set; } = "";
    public string CumulativeBytes { get; set; } = "";
    public long LogSize { get; set; }
    public string? LogRoot { get; set; }
    public int Vouchers { get; set; }
    public short OpenDisputes { get; set; }
    public int Disputes { get; set; }
}
