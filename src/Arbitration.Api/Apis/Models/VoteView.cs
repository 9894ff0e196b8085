namespace Arbitration.Api.Apis.Models;

/// <summary>A juror's seats and vote in one round. The vote is shown once revealed (commitments stay secret).</summary>
/// <param name="Juror">The oracle.</param>
/// <param name="Seats">Its seats (its vote's weight).</param>
/// <param name="Committed">Whether it committed.</param>
/// <param name="Vote">Upheld or Rejected once revealed, else null.</param>
/// <param name="Slashed">Stake slashed for an incoherent or missing vote.</param>
/// <param name="Reward">Reward claimed.</param>
public sealed record VoteView(string Juror, int Seats, bool Committed, string? Vote, string Slashed, string Reward);
