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

internal sealed class InMemoryTransport(InMemoryNetwork network, UdpEndpoint local) : IDatagramTransport
{
    private readonly BlockingCollection<(byte[] Datagram, UdpEndpoint Source)> _queue = [];

    public UdpEndpoint LocalEndpoint { get; set; } = local;

    public long Sent;

    /// <summary>When set, sends are counted and dropped without copying (allocation measurements).</summary>
    public bool Discard { get; set; }

    /// <summary>When set, every sent datagram is handed here (copied) instead of the network.</summary>
    public Action<byte[]>? Capture { get; set; }

    public void Enqueue(byte[] datagram, UdpEndpoint source) => _queue.Add((datagram, source));

    public bool Receive(DatagramBatch batch, CancellationToken cancellationToken)
    {
        batch.Count = 0;
        try
        {
            var (datagram, source) = _queue.Take(cancellationToken);
            batch.Add(datagram, source);
            while (batch.Count < 64 && _queue.TryTake(out var more))
            {
                batch.Add(more.Datagram, more.Source);
            }

            return true;
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException)
        {
            return false;
        }
    }

    public void Send(PacketBatch batch, UdpEndpoint destination)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            Send(batch.Packet(i), destination);
        }
    }

    public void Send(ReadOnlySpan<byte> datagram, UdpEndpoint destination)
    {
        Interlocked.Increment(ref Sent);
        if (Discard)
        {
            return;
        }

        if (Capture is { } capture)
        {
            capture(datagram.ToArray());
            return;
        }

        network.Deliver(LocalEndpoint, destination, datagram.ToArray());
    }

    public void Dispose() => _queue.CompleteAdding();
}
