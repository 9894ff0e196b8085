using Oracle.Actions.Units;

namespace Oracle.Actions.Providers;

/// <summary>Which providers a listing shows: discovery by region and price.</summary>
/// <param name="Region">Only this region (null: any).</param>
/// <param name="MaxPricePerMiB">Only providers at or below this price.</param>
/// <param name="IncludeUnbonding">Also providers that take no new sessions.</param>
public sealed record ProviderFilter(string? Region = null, TokenAmount? MaxPricePerMiB = null, bool IncludeUnbonding = false);
