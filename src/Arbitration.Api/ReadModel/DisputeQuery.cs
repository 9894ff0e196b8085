namespace Arbitration.Api.ReadModel;

/// <summary>Filters of <c>GET /disputes</c>.</summary>
/// <param name="SessionId">Only this session's disputes.</param>
/// <param name="Party">Only disputes this address filed or answers.</param>
/// <param name="Juror">Only disputes this oracle sat on.</param>
/// <param name="Phase">Only disputes in this phase (as of the read model's clock).</param>
/// <param name="ClaimType">Only this claim type.</param>
/// <param name="Limit">Page size.</param>
/// <param name="After">The previous page's last dispute id (newest first).</param>
internal sealed record DisputeQuery(long? SessionId, string? Party, string? Juror, string? Phase, int? ClaimType, int Limit, long? After);
