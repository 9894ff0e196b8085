namespace Arbitration.Api.Apis.Models;

/// <summary>The exchange's reference round of a feed: later rounds trade only within the band around it.</summary>
public sealed record FeedReferenceView(string RoundId, string Answer, long AcceptedAt);
