using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net.Sockets;
using Oracle.Core.Policy;

namespace VpnGateway.Routing;

/// <summary>
/// Longest-prefix match from inner addresses to owners (sessions): clients' tunnel addresses (host prefixes) and
/// site-to-site routes, IPv4 and IPv6. Lookups are lock-free and allocate nothing: one hash probe per distinct prefix
/// length in use, longest first (a provider usually has two: /32 for tunnel addresses and the length of its routed
/// LANs). A prefix may have several owners at once (a pinned link's successor starts while its predecessor is still
/// being torn down); the one added last wins, and removing it gives the prefix back to the one before. Addresses are
/// read from packet bytes, so the table keeps its own numbering (IPv4 as 32 bits, IPv6 as 128).
/// </summary>
/// <typeparam name="T">The owner type.</typeparam>
internal sealed class RouteTable<T>
    where T : class
{
    private readonly Lock _lock = new();
    private readonly Family<uint> _v4 = new(32);
    private readonly Family<UInt128> _v6 = new(128);
    private int _count;

    /// <summary>Prefixes held (each counted once whatever its number of owners).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Adds <paramref name="owner"/> for <paramref name="prefix"/> (it wins over earlier owners of the same prefix).</summary>
    public void Add(IpPrefix prefix, T owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        lock (_lock)
        {
            var added = prefix.IsIPv6 ? _v6.Add(prefix.Length, Key6(prefix), owner) : _v4.Add(prefix.Length, Key4(prefix), owner);
            if (added)
            {
                _count++;
            }
        }
    }

    /// <summary>Removes <paramref name="owner"/>'s hold on <paramref name="prefix"/>; returns whether the prefix is now unowned.</summary>
    public bool Remove(IpPrefix prefix, T owner)
    {
        lock (_lock)
        {
            var gone = prefix.IsIPv6 ? _v6.Remove(prefix.Length, Key6(prefix), owner) : _v4.Remove(prefix.Length, Key4(prefix), owner);
            if (gone)
            {
                _count--;
            }

            return gone;
        }
    }

    /// <summary>Whether some owner holds exactly <paramref name="prefix"/>.</summary>
    public bool Holds(IpPrefix prefix)
    {
        lock (_lock)
        {
            return prefix.IsIPv6 ? _v6.Holds(prefix.Length, Key6(prefix)) : _v4.Holds(prefix.Length, Key4(prefix));
        }
    }

    /// <summary>An owner other than <paramref name="owner"/> of a prefix that overlaps <paramref name="prefix"/> but is not equal to it, or null.</summary>
    public T? Overlapping(IpPrefix prefix, T owner)
    {
        lock (_lock)
        {
            return prefix.IsIPv6 ? _v6.Overlapping(prefix.Length, Key6(prefix), owner) : _v4.Overlapping(prefix.Length, Key4(prefix), owner);
        }
    }

    /// <summary>The owner of the longest prefix holding the IPv4 address <paramref name="address"/> (host byte order), or null.</summary>
    public T? Lookup4(uint address) => _v4.Lookup(address);

    /// <summary>The owner of the longest prefix holding the IPv6 address <paramref name="address"/>, or null.</summary>
    public T? Lookup6(UInt128 address) => _v6.Lookup(address);

    /// <summary>
    /// The owner of an IP packet's destination (or, with <paramref name="bySource"/>, its source) address; null when
    /// the packet is too short or not IP, or no prefix holds the address.
    /// </summary>
    public T? LookupPacket(ReadOnlySpan<byte> packet, bool bySource)
    {
        if (packet.Length >= 20 && (packet[0] >> 4) == 4)
        {
            return _v4.Lookup(BinaryPrimitives.ReadUInt32BigEndian(packet[(bySource ? 12 : 16)..]));
        }

        if (packet.Length >= 40 && (packet[0] >> 4) == 6)
        {
            return _v6.Lookup(BinaryPrimitives.ReadUInt128BigEndian(packet[(bySource ? 8 : 24)..]));
        }

        return null;
    }

    /// <summary>The IPv4 number of a prefix's network (host byte order), from its address bytes.</summary>
    public static uint Key4(IpPrefix prefix) => BinaryPrimitives.ReadUInt32BigEndian(prefix.NetworkAddress.GetAddressBytes());

    /// <summary>The IPv6 number of a prefix's network, from its address bytes.</summary>
    public static UInt128 Key6(IpPrefix prefix)
    {
        var address = prefix.NetworkAddress;
        return address.AddressFamily == AddressFamily.InterNetworkV6
            ? BinaryPrimitives.ReadUInt128BigEndian(address.GetAddressBytes())
            : throw new ArgumentException($"{prefix} is not an IPv6 prefix", nameof(prefix));
    }

    private sealed class Family<TKey>(int bits)
        where TKey : struct, System.Numerics.IBinaryInteger<TKey>
    {
        private readonly ConcurrentDictionary<TKey, Owners>?[] _byLength = new ConcurrentDictionary<TKey, Owners>?[bits + 1];

        // The lengths in use, longest first (replaced, never changed in place: readers take a snapshot).
        private volatile int[] _lengths = [];

        public T? Lookup(TKey address)
        {
            foreach (var length in _lengths)
            {
                var table = _byLength[length];
                if (table is not null && table.TryGetValue(address & Mask(length), out var owners))
                {
                    return owners.Current;
                }
            }

            return null;
        }

        // Callers hold the table's lock.
        public bool Add(int length, TKey key, T owner)
        {
            var table = _byLength[length];
            if (table is null)
            {
                table = new ConcurrentDictionary<TKey, Owners>();
                _byLength[length] = table;
            }

            if (table.TryGetValue(key, out var existing))
            {
                table[key] = existing.With(owner);
                return false;
            }

            table[key] = new Owners([owner]);
            if (Array.IndexOf(_lengths, length) < 0)
            {
                _lengths = [.. _lengths.Append(length).OrderByDescending(l => l)];
            }

            return true;
        }

        public bool Remove(int length, TKey key, T owner)
        {
            var table = _byLength[length];
            if (table is null || !table.TryGetValue(key, out var existing))
            {
                return false;
            }

            var rest = existing.Without(owner);
            if (rest is not null)
            {
                table[key] = rest;
                return false;
            }

            table.TryRemove(key, out _);
            if (table.IsEmpty)
            {
                _lengths = [.. _lengths.Where(l => l != length)];
            }

            return true;
        }

        public bool Holds(int length, TKey key) => _byLength[length] is { } table && table.ContainsKey(key);

        public T? Overlapping(int length, TKey key, T owner)
        {
            foreach (var other in _lengths)
            {
                if (_byLength[other] is not { } table)
                {
                    continue;
                }

                if (other < length)
                {
                    // A shorter prefix overlaps only if it holds this one's network: one probe.
                    if (table.TryGetValue(key & Mask(other), out var holder) && holder.Current != owner)
                    {
                        return holder.Current;
                    }

                    continue;
                }

                if (other == length)
                {
                    continue; // the same prefix is shared, not overlapping; another of this length is disjoint
                }

                // A longer prefix overlaps if it lies inside this one (routed LANs only: host prefixes have none longer).
                foreach (var (otherKey, owners) in table)
                {
                    if ((otherKey & Mask(length)) == key && owners.Current != owner)
                    {
                        return owners.Current;
                    }
                }
            }

            return null;
        }

        private TKey Mask(int length) => length == 0 ? TKey.Zero : ~TKey.Zero << (bits - length);
    }

    private sealed class Owners(T[] owners)
    {
        public T Current { get; } = owners[^1];

        public Owners With(T owner) => new([.. owners.Where(o => o != owner), owner]);

        public Owners? Without(T owner)
        {
            var rest = owners.Where(o => o != owner).ToArray();
            return rest.Length == 0 ? null : new Owners(rest);
        }
    }
}
