namespace Arbitration.Api.Apis.Models;

/// <summary>A session in a list.</summary>
public sealed record SessionSummary(long SessionId, string Client, string Provider, string Status, long OpenedAt, long? ClosedAt, string Deposit,
    string Paid, string CumulativeBytes, int Disputes);
