namespace Arbitration.Api.Evidence;

/// <summary>What the API checks of a posted bundle: its session, dispute and the recipients of its key disclosures.</summary>
/// <param name="SessionId">The session.</param>
/// <param name="DisputeId">The dispute, when named.</param>
/// <param name="Recipients">The key disclosures' recipients (lower case).</param>
internal sealed record ParsedBundle(long SessionId, long? DisputeId, IReadOnlyList<string> Recipients);
