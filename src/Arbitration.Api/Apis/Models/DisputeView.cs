using System.Text.Json.Nodes;

namespace Arbitration.Api.Apis.Models;

/// <summary>A dispute with everything that happened to it.</summary>
/// <param name="DisputeId">The id.</param>
/// <param name="SessionId">The session.</param>
/// <param name="Filer">Who filed.</param>
/// <param name="Respondent">The other party.</param>
/// <param name="ClaimType">The claim.</param>
/// <param name="RuleId">The policy rule (0: none).</param>
/// <param name="EvidenceVerified">Whether the contract verified a record proof at filing.</param>
/// <param name="FiledAt">When it was filed.</param>
/// <param name="FiledTransaction">The filing transaction.</param>
/// <param name="EvidenceHash">The filing's evidence hash.</param>
/// <param name="EvidenceUri">The filing's evidence URI.</param>
/// <param name="Penalty">The most the ruling takes from the respondent.</param>
/// <param name="Phase">Where it is, as of <paramref name="AsOf"/>.</param>
/// <param name="PhaseEndsAt">When the phase ends by the clock (null when an action ends it).</param>
/// <param name="Round">The current round.</param>
/// <param name="Ruling">The current round's majority, or the final ruling.</param>
/// <param name="Outcome">open, executed or dismissed.</param>
/// <param name="Winner">Executed: who was credited the stakes.</param>
/// <param name="PenaltyPaid">Executed: the penalty paid to the filer.</param>
/// <param name="StakesPaid">Executed: the stakes returned to the winner.</param>
/// <param name="Refund">Dismissed: the filer's refund.</param>
/// <param name="ClosedAt">When it was executed or dismissed.</param>
/// <param name="Record">The hash-committed Dispute struct, as draw, endDrawing and executeRuling take it.</param>
/// <param name="Rounds">Every round with its committee and votes.</param>
/// <param name="Payouts">What was credited to whom.</param>
/// <param name="Evidence">Its evidence documents.</param>
/// <param name="Timeline">Every event about it, oldest first.</param>
/// <param name="AsOf">The read model's position.</param>
public sealed record DisputeView(long DisputeId, long SessionId, string Filer, string Respondent, string ClaimType, long RuleId, bool EvidenceVerified,
    long FiledAt, string FiledTransaction, string EvidenceHash, string EvidenceUri, string Penalty, string Phase, long? PhaseEndsAt, int Round, string Ruling,
    string Outcome, string? Winner, string? PenaltyPaid, string? StakesPaid, string? Refund, long? ClosedAt, JsonObject Record, IReadOnlyList<RoundView> Rounds,
    IReadOnlyList<PayoutView> Payouts, IReadOnlyList<EvidenceReference> Evidence, IReadOnlyList<TimelineEntry> Timeline, ChainPosition AsOf);
