namespace Arbitration.Api.Apis.Models;

/// <summary>One round of a dispute: its committee, deadlines, tallies and settlement.</summary>
/// <param name="Round">The round (0 first; appeals after).</param>
/// <param name="Size">Seats.</param>
/// <param name="StartedAt">When it began waiting for its committee.</param>
/// <param name="DrawingDeadline">After this, anyone may end an undrawn round (endDrawing).</param>
/// <param name="Redraws">Times the randomness or the snapshot failed and was requested again.</param>
/// <param name="DrawnAt">When the committee was drawn (null while Drawing).</param>
/// <param name="Committee">One address per seat (null while Drawing).</param>
/// <param name="CommitDeadline">End of the commit phase.</param>
/// <param name="RevealDeadline">End of the reveal phase.</param>
/// <param name="AppealDeadline">End of the appeal window.</param>
/// <param name="CommittedSeats">Seats that committed.</param>
/// <param name="UpheldSeats">Seats revealed for Upheld.</param>
/// <param name="RejectedSeats">Seats revealed for Rejected.</param>
/// <param name="Ruling">The round's majority (a tie or no reveal: Rejected) once its reveal phase is over, else None.</param>
/// <param name="Settled">Whether its incoherent jurors were slashed.</param>
/// <param name="RewardPerSeat">Each coherent seat's reward, once settled.</param>
/// <param name="Slashed">Stake slashed from its incoherent jurors.</param>
/// <param name="Appellant">Who appealed it, if anyone.</param>
/// <param name="Dismissed">An appeal round that was never drawn (its appeal was refunded).</param>
/// <param name="Votes">The jurors' seats and revealed votes.</param>
public sealed record RoundView(int Round, int Size, long StartedAt, long? DrawingDeadline, int Redraws, long? DrawnAt, IReadOnlyList<string>? Committee,
    long? CommitDeadline, long? RevealDeadline, long? AppealDeadline, int CommittedSeats, int UpheldSeats, int RejectedSeats, string Ruling, bool Settled,
    string? RewardPerSeat, string? Slashed, string? Appellant, bool Dismissed, IReadOnlyList<VoteView> Votes);
