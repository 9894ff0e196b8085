using VpnGateway.Native;

namespace VpnGateway.Tun;

/// <summary>
/// Packets in pinned memory, described by offset and length. Every packet has <see cref="Headroom"/> writable bytes
/// before it (room for the transport header on the way out, the virtio-net header on the way into the TUN device) and,
/// in slot batches, <see cref="Tailroom"/> bytes after its slot's largest packet (padding and the AEAD tag).
/// </summary>
internal sealed class PacketBatch
{
    /// <summary>Bytes before every packet: the 16-byte transport header, or the 10-byte virtio-net header.</summary>
    public const int Headroom = 16;

    /// <summary>Bytes after the largest packet of a slot: up to 15 bytes of padding and the 16-byte tag.</summary>
    public const int Tailroom = 32;

    /// <summary>A batch of <paramref name="capacity"/> slots, each holding a packet of up to <paramref name="maxPacket"/> bytes.</summary>
    public PacketBatch(int capacity, int maxPacket)
    {
        Capacity = capacity;
        SlotSize = (Headroom + maxPacket + Tailroom + 63) & ~63;
        MaxPacket = SlotSize - Headroom - Tailroom;
        Buffer = new PinnedBuffer(capacity * SlotSize);
        Offsets = new int[capacity];
        Lengths = new int[capacity];
        ResetSlots();
    }

    /// <summary>A batch of references into <paramref name="buffer"/> (offsets set by whoever fills it).</summary>
    public PacketBatch(PinnedBuffer buffer, int capacity)
    {
        Capacity = capacity;
        Buffer = buffer;
        Offsets = new int[capacity];
        Lengths = new int[capacity];
        MaxPacket = ushort.MaxValue;
    }

    public PinnedBuffer Buffer { get; }

    public int[] Offsets { get; }

    public int[] Lengths { get; }

    public int Capacity { get; }

    /// <summary>Bytes per slot (0 for reference batches).</summary>
    public int SlotSize { get; }

    /// <summary>The largest packet a slot holds.</summary>
    public int MaxPacket { get; }

    public int Count { get; set; }

    public bool IsFull => Count == Capacity;

    public Span<byte> Packet(int index) => Buffer.Array.AsSpan(Offsets[index], Lengths[index]);

    /// <summary>The slot of packet <paramref name="index"/> from its headroom to the end of its tailroom.</summary>
    public Span<byte> SlotAt(int index) => Buffer.Array.AsSpan(Offsets[index] - Headroom, SlotSize);

    /// <summary>Adds a reference to a packet at <paramref name="offset"/> in the buffer.</summary>
    public void Add(int offset, int length)
    {
        Offsets[Count] = offset;
        Lengths[Count] = length;
        Count++;
    }

    /// <summary>Points every slot back at its own memory (slot batches only) and empties the batch.</summary>
    public void ResetSlots()
    {
        for (var i = 0; i < Capacity; i++)
        {
            Offsets[i] = (i * SlotSize) + Headroom;
            Lengths[i] = 0;
        }

        Count = 0;
    }
}
