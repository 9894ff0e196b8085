namespace Arbitration.Api.ReadModel;

/// <summary>Filters of <c>GET /oracles</c>: largest stake first.</summary>
/// <param name="Limit">Page size.</param>
/// <param name="After">The previous page's cursor parts (stake, address).</param>
internal sealed record OracleQuery(int Limit, string[]? After);
