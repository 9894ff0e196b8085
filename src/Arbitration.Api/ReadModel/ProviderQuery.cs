using System.Numerics;

namespace Arbitration.Api.ReadModel;

/// <summary>Filters of <c>GET /providers</c> (validated by the endpoint).</summary>
/// <param name="Region">Only this region (ISO 3166 code), or any.</param>
/// <param name="MaxPricePerMiB">Only providers at most this price.</param>
/// <param name="Status">Only this status (Active by default; "any" for all).</param>
/// <param name="Limit">Page size.</param>
/// <param name="After">The previous page's cursor parts (price, address).</param>
internal sealed record ProviderQuery(string? Region, BigInteger? MaxPricePerMiB, string? Status, int Limit, string[]? After);
