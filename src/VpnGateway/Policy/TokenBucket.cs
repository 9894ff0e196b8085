namespace VpnGateway.Policy;

/// <summary>
/// A byte token bucket on TimeProvider timestamps (one direction of one session). Several workers may carry one session
/// (its flows spread over the device's queues), so taking is serialised; the lock is almost always uncontended.
/// </summary>
internal sealed class TokenBucket(ulong bytesPerSecond, ulong burstBytes, long now, long frequency)
{
    private readonly Lock _lock = new();
    private readonly double _ratePerTick = bytesPerSecond / (double)frequency;
    private readonly double _burst = burstBytes;
    private double _tokens = burstBytes;
    private long _last = now;

    /// <summary>Takes <paramref name="bytes"/> tokens if available at <paramref name="timestamp"/>.</summary>
    public bool TryTake(int bytes, long timestamp)
    {
        lock (_lock)
        {
            return TryTakeLocked(bytes, timestamp);
        }
    }

    private bool TryTakeLocked(int bytes, long timestamp)
    {
        if (timestamp > _last)
        {
            _tokens = Math.Min(_burst, _tokens + ((timestamp - _last) * _ratePerTick));
            _last = timestamp;
        }

        if (_tokens < bytes)
        {
            return false;
        }

        _tokens -= bytes;
        return true;
    }
}
