using System.Net;
using Oracle.Core.Policy;

namespace VpnGateway.Tunnel;

/// <summary>
/// Tunnel addresses of one IPv4 pool: the first host address is the gateway's, the others go to sessions (the same
/// session gets the same address back while it lives). Each <see cref="Allocate"/> or <see cref="Reserve"/> is one hold,
/// each <see cref="Release"/> gives one back: a session id that reconnects while its previous incarnation is still being
/// torn down keeps its address until both have let go, so it is never handed to a third session meanwhile.
/// </summary>
internal sealed class AddressPool
{
    private readonly Dictionary<ulong, (uint Address, int Holds)> _bySession = [];
    private readonly HashSet<uint> _used = [];

    public AddressPool(IpPrefix pool)
    {
        if (pool.IsIPv6 || pool.Length > 30)
        {
            throw new ArgumentException("the address pool must be an IPv4 prefix of /30 or larger", nameof(pool));
        }

        Pool = pool;
        Gateway = ToAddress((uint)pool.Network + 1);
    }

    public IpPrefix Pool { get; }

    public IPAddress Gateway { get; }

    public IPAddress? Allocate(ulong sessionId)
    {
        lock (_bySession)
        {
            if (_bySession.TryGetValue(sessionId, out var existing))
            {
                _bySession[sessionId] = (existing.Address, existing.Holds + 1);
                return ToAddress(existing.Address);
            }

            var first = (uint)Pool.Network + 2;
            var last = (uint)Pool.Network + (uint)((1UL << (32 - Pool.Length)) - 2);
            for (var candidate = first; candidate <= last; candidate++)
            {
                if (_used.Add(candidate))
                {
                    _bySession[sessionId] = (candidate, 1);
                    return ToAddress(candidate);
                }
            }

            return null;
        }
    }

    /// <summary>Records a fixed address (pinned session) so the pool does not hand it out.</summary>
    public void Reserve(ulong sessionId, IPAddress address)
    {
        var value = (uint)IpPrefix.ToNumber(address);
        lock (_bySession)
        {
            _used.Add(value);
            _bySession[sessionId] = (value, _bySession.TryGetValue(sessionId, out var held) ? held.Holds + 1 : 1);
        }
    }

    public void Release(ulong sessionId)
    {
        lock (_bySession)
        {
            if (!_bySession.TryGetValue(sessionId, out var held))
            {
                return;
            }

            if (held.Holds > 1)
            {
                _bySession[sessionId] = (held.Address, held.Holds - 1);
                return;
            }

            _bySession.Remove(sessionId);
            _used.Remove(held.Address);
        }
    }

    private static IPAddress ToAddress(uint value)
        => new([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
}
