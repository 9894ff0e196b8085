namespace Arbitration.Api.ReadModel.Rows;

/// <summary>A <c>dispute_rounds</c> row.</summary>
internal sealed class RoundRow
{
    public long DisputeId { get; set; }
    public short Round { get; set; }
    public short Size { get; set; }
    public long StartedAt { get; set; }
    public int Redraws { get; set; }
    public string[]? Committee { get; set; }
    public long? CommitDeadline { get; set; }
    public long? RevealDeadline { get; set; }
    public long? AppealDeadline { get; set; }
    public long? DrawnAt { get; set; }
    public short CommittedSeats { get; set; }
    public short UpheldSeats { get; set; }
    public short RejectedSeats { get; set; }
    public bool Settled { get; set; }
    public string? RewardPerSeat { get; set; }
    public string? Slashed { get; set; }
    public string? Appellant { get; set; }
    public bool Dismissed { get; set; }
}
