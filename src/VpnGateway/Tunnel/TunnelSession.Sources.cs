using Oracle.Core.Policy;

namespace VpnGateway.Tunnel;

internal sealed partial class TunnelSession
{
    private Source4[] _sources4 = [];
    private Source6[] _sources6 = [];

    /// <summary>The prefixes the peer may use as source address (cryptokey routing: the tunnel address, routed LANs).</summary>
    public IReadOnlyList<IpPrefix> AllowedSources { get; private set; } = [];

    public void SetAllowedSources(IReadOnlyList<IpPrefix> prefixes)
    {
        var four = new List<Source4>();
        var six = new List<Source6>();
        foreach (var prefix in prefixes)
        {
            if (prefix.IsIPv6)
            {
                six.Add(new Source6(prefix.Network, prefix.Mask));
            }
            else
            {
                four.Add(new Source4((uint)prefix.Network, (uint)prefix.Mask));
            }
        }

        _sources4 = [.. four];
        _sources6 = [.. six];
        AllowedSources = [.. prefixes];
    }

    /// <summary>Whether a packet from the peer may carry source address <paramref name="source"/>.</summary>
    public bool IsAllowedSource(in PacketTuple tuple)
    {
        if (tuple.IsIPv6)
        {
            foreach (var s in _sources6)
            {
                if ((tuple.Source & s.Mask) == s.Network)
                {
                    return true;
                }
            }

            return false;
        }

        var source = (uint)tuple.Source;
        foreach (var s in _sources4)
        {
            if ((source & s.Mask) == s.Network)
            {
                return true;
            }
        }

        return false;
    }

    private readonly record struct Source4(uint Network, uint Mask);

    private readonly record struct Source6(UInt128 Network, UInt128 Mask);
}
