namespace Arbitration.Api.Apis.Models;

/// <summary>A dispute in a list.</summary>
/// <param name="DisputeId">The id.</param>
/// <param name="SessionId">The session.</param>
/// <param name="Filer">Who filed.</param>
/// <param name="Respondent">The other party.</param>
/// <param name="ClaimType">ClientBreachedPolicy, ProviderBreachedPolicy, ProviderOvercharged or ProviderWithheldService.</param>
/// <param name="FiledAt">When it was filed.</param>
/// <param name="Phase">Drawing, Commit, Reveal, Appealable, Executable or Executed (as of the read model's block time).</param>
/// <param name="Round">The current round (0 first).</param>
/// <param name="Ruling">The current round's majority (None before it is revealed), or the final ruling once executed.</param>
/// <param name="Outcome">open, executed or dismissed.</param>
public sealed record DisputeSummary(long DisputeId, long SessionId, string Filer, string Respondent, string ClaimType, long FiledAt, string Phase,
    int Round, string Ruling, string Outcome);
