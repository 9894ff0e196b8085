namespace Arbitration.Api.ReadModel;

/// <summary>Filters of <c>GET /sessions</c>.</summary>
/// <param name="Provider">Only this provider's sessions.</param>
/// <param name="Client">Only this client's sessions.</param>
/// <param name="Status">Only Open, Closing or Closed sessions.</param>
/// <param name="Limit">Page size.</param>
/// <param name="After">The previous page's last session id.</param>
internal sealed record SessionQuery(string? Provider, string? Client, string? Status, int Limit, long? After);
