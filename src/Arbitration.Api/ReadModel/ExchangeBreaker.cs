using System.Numerics;
using Arbitration.Api.ReadModel.Rows;

namespace Arbitration.Api.ReadModel;

/// <summary>
/// The TokenExchange's circuit breaker (docs/protocol.md §7.5), judged from stored rounds and the stored reference
/// instead of a call: a latest round outside <c>maxPriceJumpBps</c> of the reference pauses the feed until the first
/// round of the run of rounds outside the band (at most 8 read back, never past the reference) has stood for
/// <c>priceJumpDelay</c>. A test compares this with the exchange's own quote reverts.
/// </summary>
internal static class ExchangeBreaker
{
    private const int Lookback = 8;

    /// <summary>When the feed's trading resumes, or null when it is not paused.</summary>
    /// <param name="roundsNewestFirst">The feed's finalized rounds, newest first (at least the last 8).</param>
    /// <param name="referenceRound">The reference round.</param>
    /// <param name="referenceAnswer">The reference answer (0: no reference, every answer trades).</param>
    /// <param name="bandBps">maxPriceJumpBps.</param>
    /// <param name="delay">priceJumpDelay, seconds.</param>
    /// <param name="now">The clock.</param>
    public static long? PausedUntil(IReadOnlyList<PriceRoundRow> roundsNewestFirst, BigInteger referenceRound, BigInteger referenceAnswer, long bandBps, long delay, long now)
    {
        var finalized = roundsNewestFirst.Where(r => r.Answer is not null && r.UpdatedAt is not null).ToList();
        if (finalized.Count == 0)
        {
            return null;
        }

        var latest = finalized[0];
        var latestRound = BigInteger.Parse(latest.RoundId, System.Globalization.CultureInfo.InvariantCulture);
        if (latestRound == referenceRound || Within(BigInteger.Parse(latest.Answer!, System.Globalization.CultureInfo.InvariantCulture), referenceAnswer, bandBps))
        {
            return null;
        }

        var firstOutside = latest.UpdatedAt!.Value;
        for (var i = 1; i < Lookback && latestRound - i > referenceRound; i++)
        {
            var earlier = finalized.FirstOrDefault(r => BigInteger.Parse(r.RoundId, System.Globalization.CultureInfo.InvariantCulture) == latestRound - i);
            if (earlier is null)
            {
                break;
            }

            var answer = BigInteger.Parse(earlier.Answer!, System.Globalization.CultureInfo.InvariantCulture);
            if (answer > 0 && Within(answer, referenceAnswer, bandBps))
            {
                break;
            }

            firstOutside = earlier.UpdatedAt!.Value;
        }

        var confirmsAt = firstOutside + delay;
        return now < confirmsAt ? confirmsAt : null;
    }

    private static bool Within(BigInteger answer, BigInteger reference, long bandBps)
    {
        if (reference.IsZero)
        {
            return true;
        }

        var diff = BigInteger.Abs(answer - reference);
        return diff * 10_000 <= reference * bandBps;
    }
}
