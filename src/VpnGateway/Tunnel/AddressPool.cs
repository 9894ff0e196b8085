using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Oracle.Core.Policy;

namespace VpnGateway.Tunnel;

/// <summary>
/// Tunnel addresses of one IPv4 pool and, optionally, one IPv6 pool: the first host address of each is the gateway's,
/// the others go to sessions (the same session gets the same address back while it lives). A session's IPv6 address
/// is the IPv6 pool's address with the same host number as its IPv4 one, so a pinned IPv4 address pins both. Each
/// <see cref="Allocate"/> or <see cref="Reserve"/> is one hold, each <see cref="Release"/> gives one back: a session id
/// that reconnects while its previous incarnation is still being torn down keeps its address until both have let go,
/// so it is never handed to a third session meanwhile.
/// </summary>
internal sealed class AddressPool
{
    private readonly Dictionary<ulong, (uint Address, int Holds)> _bySession = [];
    private readonly HashSet<uint> _used = [];
    private readonly uint _first;
    private readonly uint _last;
    private uint _next;

    public AddressPool(IpPrefix pool, IpPrefix? pool6 = null)
    {
        if (pool.IsIPv6 || pool.Length > 30)
        {
            throw new ArgumentException("the address pool must be an IPv4 prefix of /30 or larger", nameof(pool));
        }

        if (pool6 is { } six && (!six.IsIPv6 || 128 - six.Length < 32 - pool.Length))
        {
            throw new ArgumentException($"the IPv6 pool must be an IPv6 prefix with at least as many addresses as {pool} (/{96 + pool.Length} or larger)", nameof(pool6));
        }

        Pool = pool;
        Pool6 = pool6;
        var network = Number4(pool.NetworkAddress);
        _first = network + 2;
        _last = network + (uint)((1UL << (32 - pool.Length)) - 2);
        _next = _first;
        Gateway = ToAddress(network + 1);
        Gateway6 = pool6 is null ? null : Address6Of(Gateway);
    }

    public IpPrefix Pool { get; }

    /// <summary>The IPv6 pool, or null when the tunnel carries IPv4 only.</summary>
    public IpPrefix? Pool6 { get; }

    public IPAddress Gateway { get; }

    /// <summary>The gateway's IPv6 tunnel address, or null.</summary>
    public IPAddress? Gateway6 { get; }

    /// <summary>The IPv4 number of an IPv4 address (host byte order).</summary>
    public static uint Number4(IPAddress address) => BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes());

    /// <summary>The number of an IPv6 address.</summary>
    public static UInt128 Number6(IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6
        ? BinaryPrimitives.ReadUInt128BigEndian(address.GetAddressBytes())
        : throw new ArgumentException($"{address} is not an IPv6 address", nameof(address));

    /// <summary>The IPv6 tunnel address going with IPv4 tunnel address <paramref name="address"/> (same host number), or null without an IPv6 pool.</summary>
    public IPAddress? Address6Of(IPAddress address)
    {
        if (Pool6 is not { } pool6)
        {
            return null;
        }

        var host = Number4(address) - Number4(Pool.NetworkAddress);
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, Number6(pool6.NetworkAddress) + host);
        return new IPAddress(bytes);
    }

    public IPAddress? Allocate(ulong sessionId)
    {
        lock (_bySession)
        {
            if (_bySession.TryGetValue(sessionId, out var existing))
            {
                _bySession[sessionId] = (existing.Address, existing.Holds + 1);
                return ToAddress(existing.Address);
            }

            // Round robin from where the last allocation ended: an address that was just given back is handed out last.
            for (var tried = 0u; tried <= _last - _first; tried++)
            {
                var candidate = _next;
                _next = _next == _last ? _first : _next + 1;
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
        var value = Number4(address);
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
