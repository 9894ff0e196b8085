using System.Collections.Concurrent;
using VpnGateway.Tun;

namespace VpnGateway.Tests.Doubles;

/// <summary>
/// A TUN device in memory (wireguard-go's tuntest): what the "kernel" injects comes out of <see cref="Read"/>, what the
/// tunnel writes is collected in <see cref="Written"/>.
/// </summary>
internal sealed class InMemoryTun(string name, int mtu) : ITunDevice
{
    private readonly BlockingCollection<byte[]> _inbound = [];
    private readonly ConcurrentQueue<byte[]> _written = new();
    private readonly SemaphoreSlim _writtenSignal = new(0);

    public string Name { get; } = name;

    public int Mtu { get; } = mtu;

    public bool Disposed { get; private set; }

    public int WrittenCount => _written.Count;

    /// <summary>When set, writes are counted and dropped without copying (allocation measurements).</summary>
    public bool DiscardWrites { get; set; }

    public long Discarded;

    public IReadOnlyCollection<byte[]> Written => _written;

    /// <summary>A packet the local stack sends into the tunnel.</summary>
    public void Inject(byte[] packet) => _inbound.Add(packet);

    /// <summary>Waits for the next packet the tunnel delivered to the local stack.</summary>
    public async Task<byte[]> NextWrittenAsync(TimeSpan timeout)
    {
        if (!await _writtenSignal.WaitAsync(timeout))
        {
            throw new TimeoutException($"{Name}: no packet written within {timeout}");
        }

        return _written.TryDequeue(out var packet) ? packet : throw new InvalidOperationException("signal without packet");
    }

    public bool Read(PacketBatch batch, CancellationToken cancellationToken)
    {
        batch.ResetSlots();
        try
        {
            var first = _inbound.Take(cancellationToken);
            Copy(batch, first);
            while (!batch.IsFull && _inbound.TryTake(out var more))
            {
                Copy(batch, more);
            }

            return true;
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException)
        {
            return false;
        }
    }

    public int Write(PacketBatch batch)
    {
        if (DiscardWrites)
        {
            Discarded += batch.Count;
            return 0;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            _written.Enqueue(batch.Packet(i).ToArray());
            _writtenSignal.Release();
        }

        return 0;
    }

    public void Dispose()
    {
        Disposed = true;
        _inbound.CompleteAdding();
    }

    private static void Copy(PacketBatch batch, byte[] packet)
    {
        packet.CopyTo(batch.Buffer.Array.AsSpan(batch.Offsets[batch.Count]));
        batch.Lengths[batch.Count++] = packet.Length;
    }
}
