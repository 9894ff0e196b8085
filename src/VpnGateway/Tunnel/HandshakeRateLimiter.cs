namespace VpnGateway.Tunnel;

/// <summary>
/// A token bucket per source for handshake initiations: a flood from one source costs the gateway one MAC check per
/// datagram, never a Diffie-Hellman. A source is an IPv4 address, or an IPv6 /64 (one host usually holds a whole /64,
/// so per-address buckets would give it 2^64 of them). Old buckets are pruned as they refill.
/// </summary>
internal sealed class HandshakeRateLimiter(TimeProvider time, double perSecond, int burst)
{
    private static readonly UInt128 MappedPrefix = (UInt128)0xFFFF << 32;
    private static readonly UInt128 MappedMask = ~(UInt128)uint.MaxValue;
    private static readonly UInt128 Slash64 = ~(UInt128)ulong.MaxValue;

    private readonly Dictionary<UInt128, Bucket> _buckets = [];
    private long _lastPrune = time.GetTimestamp();

    /// <summary>The bucket a source address counts against (IPv4: the address; IPv6: its /64).</summary>
    public static UInt128 SourceOf(UInt128 address) => (address & MappedMask) == MappedPrefix ? address : address & Slash64;

    public bool Allow(UInt128 address)
    {
        address = SourceOf(address);
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
