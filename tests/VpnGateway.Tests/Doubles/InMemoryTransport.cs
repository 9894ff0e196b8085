using System.Collections.Concurrent;
using VpnGateway.Transport;
using VpnGateway.Tun;

namespace VpnGateway.Tests.Doubles;

/// <summary>A transport bound to an endpoint of an <see cref="InMemoryNetwork"/>.</summary>
internal sealed class InMemoryTransport(InMemoryNetwork network, UdpEndpoint local) : IDatagramTransport
{
    private readonly BlockingCollection<(byte[] Datagram, UdpEndpoint Source)> _queue = [];

    public UdpEndpoint LocalEndpoint { get; set; } = local;

    public long Sent;

    /// <summary>When set, sends are counted and dropped without copying (allocation measurements).</summary>
    public bool Discard { get; set; }

    /// <summary>When set, every sent datagram is handed here (copied) instead of the network.</summary>
    public Action<byte[]>? Capture { get; set; }

    /// <summary>Queues a datagram for the receive loop; one sent to a closed transport is lost, as on a real network.</summary>
    public void Enqueue(byte[] datagram, UdpEndpoint source)
    {
        try
        {
            _queue.Add((datagram, source));
        }
        catch (InvalidOperationException)
        {
            // Closed: the datagram is lost.
        }
    }

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

    public void Send(PacketBatch batch, UdpEndpoint destination) => Send(batch, 0, batch.Count, destination);

    public void Send(PacketBatch batch, int start, int count, UdpEndpoint destination)
    {
        for (var i = start; i < start + count; i++)
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
