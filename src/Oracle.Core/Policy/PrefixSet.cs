using System.Net;

namespace Oracle.Core.Policy;

/// <summary>
/// A set of IPv4 and IPv6 prefixes flattened for the packet path: membership without allocation or interface calls,
/// IPv4 compared as 32-bit numbers. Addresses are numbered as <see cref="IpNumber"/> does (an IPv4 address's low 32
/// bits are compared, so an IPv4 number is matched by its address whatever its upper bits).
/// Used by the compiled policy (guard, exports, each rule's networks), the tunnel's allowed sources and metering's
/// client side (direction of a packet).
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class PrefixSet
{
    private readonly Prefix4[] _v4;
    private readonly Prefix6[] _v6;

    /// <summary>Builds the set of <paramref name="prefixes"/> (duplicates are kept; order does not matter).</summary>
    public PrefixSet(IEnumerable<IpPrefix> prefixes)
    {
        ArgumentNullException.ThrowIfNull(prefixes);
        Prefixes = [.. prefixes];
        var v4 = new List<Prefix4>();
        var v6 = new List<Prefix6>();
        foreach (var prefix in Prefixes)
        {
            if (prefix.IsIPv6)
            {
                v6.Add(new Prefix6(prefix.Network, prefix.Mask));
            }
            else
            {
                v4.Add(new Prefix4((uint)prefix.Network, (uint)prefix.Mask));
            }
        }

        _v4 = [.. v4];
        _v6 = [.. v6];
    }

    /// <summary>The empty set.</summary>
    public static PrefixSet Empty { get; } = new([]);

    /// <summary>The prefixes, as given.</summary>
    public IReadOnlyList<IpPrefix> Prefixes { get; }

    /// <summary>Whether the set holds no prefix.</summary>
    public bool IsEmpty => Prefixes.Count == 0;

    /// <summary>Parses prefixes (<see cref="IpPrefix.Parse"/>: canonical, a bare address is a host prefix).</summary>
    /// <exception cref="FormatException">One of them is not a prefix.</exception>
    public static PrefixSet Parse(params string[] prefixes)
    {
        ArgumentNullException.ThrowIfNull(prefixes);
        return new PrefixSet(prefixes.Select(IpPrefix.Parse));
    }

    /// <summary>Whether the address <paramref name="address"/> of the given family is in one of the prefixes.</summary>
    /// <param name="isIPv6">The address's family.</param>
    /// <param name="address">The address, numbered as <see cref="IpNumber"/> does.</param>
    public bool Contains(bool isIPv6, UInt128 address)
    {
        if (isIPv6)
        {
            foreach (var p in _v6)
            {
                if ((address & p.Mask) == p.Network)
                {
                    return true;
                }
            }

            return false;
        }

        var a = (uint)address;
        foreach (var p in _v4)
        {
            if ((a & p.Mask) == p.Network)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="address"/> is in one of the prefixes.</summary>
    public bool Contains(IPAddress address) => Contains(IpNumber.IsIPv6(address), IpNumber.From(address));

    /// <inheritdoc/>
    public override string ToString() => string.Join(", ", Prefixes);

    private readonly record struct Prefix4(uint Network, uint Mask);

    private readonly record struct Prefix6(UInt128 Network, UInt128 Mask);
}
