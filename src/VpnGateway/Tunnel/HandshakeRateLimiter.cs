namespace VpnGateway.Tunnel;

/// <summary>
/// A token bucket per source address for handshake initiations: a flood from one address costs the gateway one
/// MAC check per datagram, never a Diffie-Hellman. Old buckets are pruned as they refill.
/// </summary>
internal sealed class HandshakeRateLimiter(TimeProvider time, double perSecond, int burst)
{
    private readonly Dictionary<UInt128, Bucket> _buckets = [];
    private long _lastPrune = time.GetTimestamp();

    public bool Allow(UInt128 address)
    {
        var now = time.GetTimestamp();
        lock (_buckets)
        {
            if (time.GetElapsedTime(_lastPrune, now) > TimeSpan.FromSeconds(10))
            {
                Prune(now);
            }

            if (!_buckets.TryGetValue(address, out var bucket))
            {
                bucket = new Bucket { Tokens = burst, Last = now };
                _buckets[address] = bucket;
            }

            var elapsed = time.GetElapsedTime(bucket.Last, now).TotalSeconds;
            bucket.Tokens = Math.Min(burst, bucket.Tokens + (elapsed * perSecond));
            bucket.Last = now;
            if (bucket.Tokens < 1)
            {
                return false;
            }

            bucket.Tokens -= 1;
            return true;
        }
    }

    private void Prune(long now)
    {
        _lastPrune = now;
        var full = new List<UInt128>();
        foreach (var (address, bucket) in _buckets)
        {
            if (bucket.Tokens + (time.GetElapsedTime(bucket.Last, now).TotalSeconds * perSecond) >= burst)
            {
                full.Add(address);
            }
        }

        foreach (var address in full)
        {
            _buckets.Remove(address);
        }
    }

    private sealed class Bucket
    {
        public double Tokens { get; set; }

        public long Last { get; set; }
    }
}
