using System.Numerics;

namespace Oracle.Chain.Randomness;

/// <summary>What one pass of <see cref="VrfFulfiller.FulfillPendingAsync"/> did.</summary>
/// <param name="Answered">The coordinator request ids answered.</param>
/// <param name="NextFromBlock">Where the next pass starts.</param>
public sealed record VrfFulfillPass(IReadOnlyList<BigInteger> Answered, ulong NextFromBlock);
