namespace Arbitration.Api.Apis.Models;

/// <summary>
/// The session's hash-committed terms exactly as the SessionManager and DisputeManager calls take them
/// (<c>Session</c> struct, docs/protocol.md §7.2).
/// </summary>
public sealed record SessionTermsView(string Client, string Provider, string Deposit, string PricePerMiB, string Penalty, int CommitteeSize,
    long OpenedAt, string PolicyHash, string PanelHash);
