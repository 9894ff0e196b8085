namespace Arbitration.Api.Apis.Models;

/// <summary>A price feed and the exchange's view of it.</summary>
/// <param name="Name">vpn-eth (ETH per VPN) or btc-eth (ETH per BTC).</param>
/// <param name="Address">The feed contract.</param>
/// <param name="Latest">The latest finalized round.</param>
/// <param name="Stale">Whether the latest round is older than the exchange's maximum price age.</param>
/// <param name="Reference">The exchange's reference round.</param>
/// <param name="Paused">Whether the exchange refuses trades on this feed (a jump outside the band not yet confirmed).</param>
/// <param name="PausedUntil">When the jump is confirmed and trading resumes (unless a round comes back inside the band).</param>
/// <param name="Rounds">Recent rounds, newest first.</param>
public sealed record FeedView(string Name, string Address, PriceRoundView? Latest, bool Stale, FeedReferenceView? Reference, bool Paused, long? PausedUntil,
    IReadOnlyList<PriceRoundView> Rounds);
