using System.Numerics;

namespace Arbitration.Api.ReadModel;

/// <summary>The exchange's reference round of a feed: trades compare the latest round with it.</summary>
/// <param name="RoundId">The reference round.</param>
/// <param name="Answer">Its answer.</param>
/// <param name="AcceptedAt">When it became the reference.</param>
internal sealed record ExchangeReference(BigInteger RoundId, BigInteger Answer, ulong AcceptedAt);
