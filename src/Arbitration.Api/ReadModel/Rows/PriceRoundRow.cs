namespace Arbitration.Api.ReadModel.Rows;

/// <summary>A <c>price_rounds</c> row (round id and answer as text).</summary>
internal sealed class PriceRoundRow
{
    public string Feed { get; set; } = "";
    public string RoundId { get; set; } = "";
    public string? Answer { get; set; }
    public long? StartedAt { get; set; }
    public long? UpdatedAt { get; set; }
    public int Reports { get; set; }
    public int Restarts { get; set; }
}
