namespace Arbitration.Api.Filing;

/// <summary>A <c>filings</c> row: a signed filing the API took on, by its digest.</summary>
internal sealed class FilingRow
{
    public string Digest { get; set; } = "";
    public string Filer { get; set; } = "";
    public long SessionId { get; set; }
    public string State { get; set; } = "";
    public DateTime LeaseUntil { get; set; }
    public long? DisputeId { get; set; }
    public string? TxHash { get; set; }
    public long? BlockNumber { get; set; }
    public DateTime CreatedAt { get; set; }
}
