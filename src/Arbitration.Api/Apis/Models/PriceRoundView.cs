namespace Arbitration.Api.Apis.Models;

/// <summary>A price feed round: the median of the first quorum reports (18 decimals).</summary>
public sealed record PriceRoundView(string RoundId, string? Answer, long? StartedAt, long? UpdatedAt, int Reports, int Restarts);
