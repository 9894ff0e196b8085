namespace Arbitration.Api.ReadModel.Rows;

/// <summary>An <c>oracles</c> row with its voting record.</summary>
internal sealed class OracleRow
{
    public string Address { get; set; } = "";
    public string Stake { get; set; } = "";
    public string Locked { get; set; } = "";
    public string Unstaking { get; set; } = "";
    public long? UnstakableAt { get; set; }
    public string Slashed { get; set; } = "";
    public string Rewards { get; set; } = "";
    public int PriceReports { get; set; }
    public int Rounds { get; set; }
    public int Seats { get; set; }
    public int Revealed { get; set; }
    public int Coherent { get; set; }
}
