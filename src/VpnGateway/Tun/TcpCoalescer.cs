using System.Buffers.Binary;

namespace VpnGateway.Tun;

/// <summary>
/// Groups the packets of a write batch into items: runs of consecutive TCP segments of one flow that the kernel can
/// take as one GSO super-packet (same headers and options, contiguous sequence numbers, all but the last of the same
/// size), and single packets. Items keep the order of packets within each flow.
/// </summary>
internal sealed class TcpCoalescer
{
    private const byte Ack = 0x10;
    private const byte Psh = 0x08;

    private readonly int[] _next;
    private Item[] _items;

    public TcpCoalescer(int capacity)
    {
        _next = new int[capacity];
        _items = new Item[capacity];
    }

    public int ItemCount { get; private set; }

    public ref Item ItemAt(int index) => ref _items[index];

    /// <summary>The packet after <paramref name="packet"/> in its item, or -1.</summary>
    public int Next(int packet) => _next[packet];

    public void Plan(PacketBatch batch)
    {
        if (_items.Length < batch.Count)
        {
            _items = new Item[batch.Count];
        }

        ItemCount = 0;
        var buffer = batch.Buffer.Array;
        for (var i = 0; i < batch.Count; i++)
        {
            _next[i] = -1;
            var packet = buffer.AsSpan(batch.Offsets[i], batch.Lengths[i]);
            var candidate = Inspect(packet, out var headers, out var payload, out var flags);
            var open = FindOpen(batch, packet);
            if (candidate && open >= 0 && CanAppend(ref _items[open], batch, packet, headers, payload, flags))
            {
                ref var item = ref _items[open];
                _next[item.Last] = i;
                item.Last = i;
                item.Count++;
                item.PayloadLength += payload;
                item.Psh |= (flags & Psh) != 0;
                if (payload < item.SegmentSize || (flags & Psh) != 0)
                {
                    item.Open = false;
                }

                continue;
            }

            if (open >= 0)
            {
                _items[open].Open = false;
            }

            _items[ItemCount++] = new Item
            {
                First = i,
                Last = i,
                Count = 1,
                HeadersLength = headers,
                SegmentSize = payload,
                PayloadLength = payload,
                Psh = (flags & Psh) != 0,
                Open = candidate && (flags & Psh) == 0,
                IsTcp = candidate,
            };
        }
    }

    /// <summary>Whether <paramref name="packet"/> is a plain data segment (ACK, maybe PSH; no options in IPv4; payload).</summary>
    private static bool Inspect(ReadOnlySpan<byte> packet, out int headers, out int payload, out byte flags)
    {
        headers = 0;
        payload = 0;
        flags = 0;
        if (packet.Length < 40)
        {
            return false;
        }

        int ipHeader;
        if ((packet[0] >> 4) == 4)
        {
            if (packet[0] != 0x45 || packet[9] != 6 || (BinaryPrimitives.ReadUInt16BigEndian(packet[6..]) & 0x3FFF) != 0
                || BinaryPrimitives.ReadUInt16BigEndian(packet[2..]) != packet.Length)
            {
                return false;
            }

            ipHeader = 20;
        }
        else if ((packet[0] >> 4) == 6)
        {
            if (packet.Length < 60 || packet[6] != 6 || BinaryPrimitives.ReadUInt16BigEndian(packet[4..]) + 40 != packet.Length)
            {
                return false;
            }

            ipHeader = 40;
        }
        else
        {
            return false;
        }

        var tcpHeader = (packet[ipHeader + 12] >> 4) * 4;
        headers = ipHeader + tcpHeader;
        if (tcpHeader < 20 || headers >= packet.Length)
        {
            return false;
        }

        flags = packet[ipHeader + 13];
        payload = packet.Length - headers;
        return (flags & ~Psh) == Ack;
    }

    private int FindOpen(PacketBatch batch, ReadOnlySpan<byte> packet)
    {
        if (packet.Length < 40)
        {
            return -1;
        }

        var buffer = batch.Buffer.Array;
        for (var j = ItemCount - 1; j >= 0; j--)
        {
            ref var item = ref _items[j];
            if (!item.IsTcp)
            {
                continue;
            }

            var first = buffer.AsSpan(batch.Offsets[item.First], batch.Lengths[item.First]);
            if (SameFlow(first, packet))
            {
                return item.Open ? j : -1;
            }
        }

        return -1;
    }

    private static bool SameFlow(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a[0] >> 4 != b[0] >> 4)
        {
            return false;
        }

        if ((a[0] >> 4) == 4)
        {
            return b[0] == 0x45 && b[9] == 6 && a.Slice(12, 8).SequenceEqual(b.Slice(12, 8)) && a.Slice(20, 4).SequenceEqual(b.Slice(20, 4));
        }

        return b[6] == 6 && a.Slice(8, 32).SequenceEqual(b.Slice(8, 32)) && a.Slice(40, 4).SequenceEqual(b.Slice(40, 4));
    }

    private bool CanAppend(ref Item item, PacketBatch batch, ReadOnlySpan<byte> packet, int headers, int payload, byte flags)
    {
        var first = batch.Buffer.Array.AsSpan(batch.Offsets[item.First], batch.Lengths[item.First]);
        var last = batch.Buffer.Array.AsSpan(batch.Offsets[item.Last], batch.Lengths[item.Last]);
        if (headers != item.HeadersLength || payload > item.SegmentSize
            || item.HeadersLength + item.PayloadLength + payload > ushort.MaxValue - 40)
        {
            return false;
        }

        var ip = (packet[0] >> 4) == 4 ? 20 : 40;
        if (ip == 20)
        {
            // TOS, DF and TTL must match (the merged packet keeps the first header).
            if (first[1] != packet[1] || first[8] != packet[8] || (first[6] & 0x40) != (packet[6] & 0x40))
            {
                return false;
            }
        }
        else if (!first[..4].SequenceEqual(packet[..4]) || first[7] != packet[7])
        {
            return false;
        }

        // Same ack number, flags other than PSH, window and options; contiguous sequence.
        if (!first.Slice(ip + 8, 4).SequenceEqual(packet.Slice(ip + 8, 4))
            || first.Slice(ip + 14, 2).SequenceEqual(packet.Slice(ip + 14, 2)) == false
            || !first.Slice(ip + 20, headers - ip - 20).SequenceEqual(packet.Slice(ip + 20, headers - ip - 20)))
        {
            return false;
        }

        var expected = unchecked(BinaryPrimitives.ReadUInt32BigEndian(last[(ip + 4)..]) + (uint)(last.Length - headers));
        return BinaryPrimitives.ReadUInt32BigEndian(packet[(ip + 4)..]) == expected && (flags & ~Psh) == Ack;
    }

    /// <summary>One write: a single packet, or a run of segments merged into a super-packet.</summary>
    internal struct Item
    {
        public int First;
        public int Last;
        public int Count;
        public int HeadersLength;
        public int SegmentSize;
        public int PayloadLength;
        public bool Psh;
        public bool Open;
        public bool IsTcp;
    }
}
