using VpnGateway.Native;

namespace VpnGateway.Transport;

/// <summary>
/// Received datagrams: <see cref="Messages"/> receive buffers of 64 KB each (UDP GRO fills one with many datagrams of
/// one sender), split into datagrams described by offset, length and source.
/// </summary>
internal sealed class DatagramBatch
{
    public const int BufferSize = 65536 + 1024;

    public DatagramBatch(int messages, int maxDatagrams)
    {
        Messages = messages;
        Buffer = new PinnedBuffer(messages * BufferSize);
        Offsets = new int[maxDatagrams];
        Lengths = new int[maxDatagrams];
        Sources = new UdpEndpoint[maxDatagrams];
    }

    public int Messages { get; }

    public PinnedBuffer Buffer { get; }

    public int[] Offsets { get; }

    public int[] Lengths { get; }

    public UdpEndpoint[] Sources { get; }

    public int Count { get; set; }

    public int Capacity => Offsets.Length;

    public Span<byte> Datagram(int index) => Buffer.Array.AsSpan(Offsets[index], Lengths[index]);

    /// <summary>Adds a datagram (used by in-memory transports and tests).</summary>
    public void Add(ReadOnlySpan<byte> datagram, UdpEndpoint source)
    {
        var offset = Count == 0 ? 0 : Offsets[Count - 1] + Lengths[Count - 1];
        offset = (offset + 63) & ~63;
        datagram.CopyTo(Buffer.Array.AsSpan(offset));
        Offsets[Count] = offset;
        Lengths[Count] = datagram.Length;
        Sources[Count] = source;
        Count++;
    }
}
