using Oracle.Actions.Units;
using Oracle.Chain.Model;

namespace Oracle.Actions.Disputes;

/// <summary>A dispute: its claim, phase, rounds (committee, votes, ruling).</summary>
/// <param name="DisputeId">The id.</param>
/// <param name="SessionId">The session it is about.</param>
/// <param name="Filer">Who filed.</param>
/// <param name="Respondent">Who it is against.</param>
/// <param name="ClaimType">The claim.</param>
/// <param name="RuleId">The rule said to be broken.</param>
/// <param name="EvidenceVerified">Whether a record proof was verified on-chain at filing.</param>
/// <param name="FiledAt">When it was filed.</param>
/// <param name="EvidenceHash">The evidence document's hash.</param>
/// <param name="EvidenceUri">Where it is.</param>
/// <param name="Penalty">What an upheld claim takes from the respondent.</param>
/// <param name="Phase">The phase now.</param>
/// <param name="Ruling">The ruling (None until a round is decided).</param>
/// <param name="Rounds">Every round so far.</param>
public sealed record DisputeView(ulong DisputeId, ulong SessionId, string Filer, string Respondent, ClaimType ClaimType, uint RuleId, bool EvidenceVerified,
    DateTimeOffset FiledAt, string EvidenceHash, string EvidenceUri, TokenAmount Penalty, DisputePhase Phase, Ruling Ruling, IReadOnlyList<RoundView> Rounds);

/// <summary>One round of a dispute.</summary>
/// <param name="Round">0 for the first, 1 and 2 for appeals.</param>
/// <param name="Seats">Committee seats.</param>
/// <param name="Committee">One address per seat (empty before the draw).</param>
/// <param name="UpheldSeats">Seats revealed for the claim.</param>
/// <param name="RejectedSeats">Seats revealed against it.</param>
/// <param name="Ruling">The round's ruling (once its reveal phase is over).</param>
/// <param name="Settled">Whether incoherent jurors were slashed.</param>
/// <param name="CommitDeadline">End of the commit phase.</param>
/// <param name="RevealDeadline">End of the reveal phase.</param>
/// <param name="AppealDeadline">End of the appeal window.</param>
/// <param name="RewardPerSeat">What each coherent seat earns.</param>
/// <param name="Votes">Each juror's vote.</param>
public sealed record RoundView(int Round, int Seats, IReadOnlyList<string> Committee, int UpheldSeats, int RejectedSeats, Ruling Ruling, bool Settled,
    DateTimeOffset? CommitDeadline, DateTimeOffset? RevealDeadline, DateTimeOffset? AppealDeadline, TokenAmount RewardPerSeat, IReadOnlyList<VoteView> Votes);

/// <summary>A juror's vote in a round.</summary>
/// <param name="Juror">The oracle.</param>
/// <param name="Seats">Its seats.</param>
/// <param name="Committed">Whether it committed.</param>
/// <param name="Vote">What it revealed (None: not revealed).</param>
/// <param name="Claimed">Whether it claimed its reward.</param>
public sealed record VoteView(string Juror, int Seats, bool Committed, Ruling Vote, bool Claimed);
