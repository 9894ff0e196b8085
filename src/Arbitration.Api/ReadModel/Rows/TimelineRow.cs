namespace Arbitration.Api.ReadModel.Rows;

/// <summary>An <c>events</c> row.</summary>
internal sealed class TimelineRow
{
    public long BlockNumber { get; set; }
    public int LogIndex { get; set; }
    public long BlockTime { get; set; }
    public string TxHash { get; set; } = "";
    public string Name { get; set; } = "";
    public string Data { get; set; } = "{}";
}
