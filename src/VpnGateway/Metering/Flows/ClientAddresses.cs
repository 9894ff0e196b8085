using System.Net;
using Oracle.Core.Evidence;
using Oracle.Core.Policy;

namespace VpnGateway.Metering.Flows;

/// <summary>
/// The client side's address prefixes of a session (its tunnel address, or in site-to-site mode its LAN prefixes):
/// a packet towards them is inbound, any other is outbound. Both gateways classify the same way, so a flow has the
/// same direction in the provider's records and in the client's own.
/// </summary>
internal sealed class ClientAddresses
{
    private readonly UInt128[] _prefixes;
    private readonly UInt128[] _masks;

    public ClientAddresses(IReadOnlyList<(IPAddress Address, int PrefixLength)> prefixes)
    {
        ArgumentNullException.ThrowIfNull(prefixes);
        _prefixes = new UInt128[prefixes.Count];
        _masks = new UInt128[prefixes.Count];
        for (var i = 0; i < prefixes.Count; i++)
        {
            var (address, length) = prefixes[i];
            var bits = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? length + 96 : length;
            ArgumentOutOfRangeException.ThrowIfNegative(length);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, 128);
            _masks[i] = bits == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - bits);
            _prefixes[i] = FlowRecord.FromIPAddress(address) & _masks[i];
        }
    }

    /// <summary>Parses <c>198.18.0.2/32</c>-style prefixes (a bare address is a host prefix).</summary>
    public static ClientAddresses Parse(params string[] prefixes)
    {
        ArgumentNullException.ThrowIfNull(prefixes);
        var list = new List<(IPAddress, int)>(prefixes.Length);
        foreach (var text in prefixes)
        {
            var network = text.Contains('/', StringComparison.Ordinal) ? IPNetwork.Parse(text) : new IPNetwork(IPAddress.Parse(text), IPAddress.Parse(text).AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            list.Add((network.BaseAddress, network.PrefixLength));
        }

        return new ClientAddresses(list);
    }

    public bool Contains(UInt128 address)
    {
        for (var i = 0; i < _prefixes.Length; i++)
        {
            if ((address & _masks[i]) == _prefixes[i])
            {
                return true;
            }
        }

        return false;
    }

    public TrafficDirection DirectionOf(in PacketHeaders h) => Contains(h.Destination) ? TrafficDirection.Inbound : TrafficDirection.Outbound;
}
