namespace Arbitration.Api.Apis.Models;

/// <summary>Both price feeds and the exchange's trading state.</summary>
/// <param name="Feeds">VPN/ETH and BTC/ETH.</param>
/// <param name="FeeBps">The exchange fee.</param>
/// <param name="MaxPriceAge">Seconds a round may be used.</param>
/// <param name="MaxPriceJumpBps">The band around the reference.</param>
/// <param name="PriceJumpDelay">Seconds a jump outside the band pauses trading.</param>
/// <param name="AsOf">The read model's position.</param>
public sealed record RatesView(IReadOnlyList<FeedView> Feeds, int FeeBps, long MaxPriceAge, int MaxPriceJumpBps, long PriceJumpDelay, ChainPosition AsOf);
