using System.Collections.Concurrent;
using System.Net;
using VpnGateway.Transport;
using VpnGateway.Tun;

namespace VpnGateway.Tests.Doubles;

/// <summary>An underlay in memory: transports bound to endpoints; datagrams are copied to the destination's queue.</summary>
internal sealed class InMemoryNetwork
{
    private readonly ConcurrentDictionary<UdpEndpoint, InMemoryTransport> _bound = new();

    /// <summary>Sees (and may drop, by returning false) every datagram: (source, destination, bytes).</summary>
    public Func<UdpEndpoint, UdpEndpoint, byte[], bool>? Filter { get; set; }

    public InMemoryTransport Bind(string endpoint)
    {
        var transport = new InMemoryTransport(this, UdpEndpoint.From(IPEndPoint.Parse(endpoint)));
        _bound[transport.LocalEndpoint] = transport;
        return transport;
    }

    /// <summary>Moves a transport to a new address (a client roaming), keeping its queue.</summary>
    public void Rebind(InMemoryTransport transport, string endpoint)
    {
        _bound.TryRemove(transport.LocalEndpoint, out _);
        transport.LocalEndpoint = UdpEndpoint.From(IPEndPoint.Parse(endpoint));
        _bound[transport.LocalEndpoint] = transport;
    }

    internal void Deliver(UdpEndpoint source, UdpEndpoint destination, byte[] datagram)
    {
        if (Filter is { } filter && !filter(source, destination, datagram))
        {
            return;
        }

        if (_bound.TryGetValue(destination, out var target))
        {
            target.Enqueue(datagram, source);
        }
    }
}
