namespace Oracle.Core.Policy;

/// <summary>
/// A token-bucket rate limit applied to each direction of a session separately: at most
/// <see cref="BytesPerSecond"/> on average, in bursts of up to <see cref="BurstBytes"/>.
/// </summary>
/// <remarks>
/// Rate limiting is traffic shaping, not a rule: packets over the limit are dropped and counted but are not reported as
/// attempted violations, and oracle nodes do not evaluate it (it depends on timing that evidence does not fix).
/// </remarks>
/// <param name="BytesPerSecond">The sustained rate, bytes of IP packets per second.</param>
/// <param name="BurstBytes">The bucket size, bytes.</param>
public sealed record RateLimit(ulong BytesPerSecond, ulong BurstBytes);
