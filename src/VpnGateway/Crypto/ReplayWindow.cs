namespace VpnGateway.Crypto;

/// <summary>
/// The sliding anti-replay window of RFC 6479 (as WireGuard uses it): a ring of 64-bit blocks covering the last
/// <see cref="WindowSize"/> counters below the highest seen. A counter is accepted once; older ones are refused.
/// Used by one receiving thread only.
/// </summary>
internal sealed class ReplayWindow
{
    private const int Blocks = 128;
    private const int BlockBits = 64;

    /// <summary>How far below the highest counter seen a message may still arrive (8128).</summary>
    public const ulong WindowSize = (Blocks - 1) * BlockBits;

    private readonly ulong[] _ring = new ulong[Blocks];
    private ulong _last;

    /// <summary>Whether <paramref name="counter"/> may be new (cheap check before decryption; does not record it).</summary>
    public bool MayAccept(ulong counter, ulong limit)
    {
        if (counter >= limit)
        {
            return false;
        }

        if (counter > _last)
        {
            return true;
        }

        if (_last - counter > WindowSize)
        {
            return false;
        }

        var block = (int)((counter / BlockBits) & (Blocks - 1));
        return (_ring[block] & (1UL << (int)(counter % BlockBits))) == 0;
    }

    /// <summary>Records <paramref name="counter"/> after the message authenticated; false when it was seen or is too old.</summary>
    public bool TryAccept(ulong counter, ulong limit)
    {
        if (counter >= limit)
        {
            return false;
        }

        var index = counter / BlockBits;
        if (counter > _last)
        {
            var current = _last / BlockBits;
            var diff = Math.Min(index - current, Blocks);
            for (ulong i = 1; i <= diff; i++)
            {
                _ring[(int)((current + i) & (Blocks - 1))] = 0;
            }

            _last = counter;
        }
        else if (_last - counter > WindowSize)
        {
            return false;
        }

        var block = (int)(index & (Blocks - 1));
        var bit = 1UL << (int)(counter % BlockBits);
        var old = _ring[block];
        _ring[block] = old | bit;
        return (old & bit) == 0;
    }
}
