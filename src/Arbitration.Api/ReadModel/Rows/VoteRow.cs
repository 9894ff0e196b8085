namespace Arbitration.Api.ReadModel.Rows;

/// <summary>A <c>votes</c> row.</summary>
internal sealed class VoteRow
{
    public short Round { get; set; }
    public string Juror { get; set; } = "";
    public short Seats { get; set; }
    public long? CommittedAt { get; set; }
    public short Vote { get; set; }
    public string Slashed { get; set; } = "";
    public string Reward { get; set; } = "";
}
