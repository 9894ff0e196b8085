using System.Buffers.Binary;
using VpnGateway.Native;

namespace VpnGateway.Tun;

/// <summary>The write side: consecutive TCP segments merged into GSO super-packets.</summary>
internal sealed unsafe partial class LinuxTunDevice
{
    public int Write(PacketBatch batch)
    {
        if (!Offloads)
        {
            var refused = 0;
            for (var i = 0; i < batch.Count; i++)
            {
                if (Libc.Write(_fd, batch.Buffer.Pointer + batch.Offsets[i], batch.Lengths[i]) < 0)
                {
                    refused++;
                }
            }

            return refused;
        }

        lock (_writeLock)
        {
            return WriteCoalesced(batch);
        }
    }

    private int WriteCoalesced(PacketBatch batch)
    {
        _coalescer.Plan(batch);
        var refused = 0;
        var array = batch.Buffer.Array;
        for (var k = 0; k < _coalescer.ItemCount; k++)
        {
            ref var item = ref _coalescer.ItemAt(k);
            if (item.Count == 1)
            {
                // Zero-copy: the virtio-net header goes into the packet's headroom.
                var start = batch.Offsets[item.First] - VirtioNetHeader.Size;
                VirtioNetHeader.WriteNone(array.AsSpan(start, VirtioNetHeader.Size));
                if (Libc.Write(_fd, batch.Buffer.Pointer + start, batch.Lengths[item.First] + VirtioNetHeader.Size) < 0)
                {
                    refused++;
                }

                continue;
            }

            var length = Merge(batch, ref item);
            if (Libc.Write(_fd, _writeBuffer.Pointer, length) < 0)
            {
                refused += item.Count;
            }
        }

        return refused;
    }

    private int Merge(PacketBatch batch, ref TcpCoalescer.Item item)
    {
        var output = _writeBuffer.Array.AsSpan();
        var array = batch.Buffer.Array;
        var first = array.AsSpan(batch.Offsets[item.First], batch.Lengths[item.First]);
        var headers = item.HeadersLength;
        first[..headers].CopyTo(output[VirtioNetHeader.Size..]);
        var position = VirtioNetHeader.Size + headers;
        for (var p = item.First; p >= 0; p = _coalescer.Next(p))
        {
            var payload = array.AsSpan(batch.Offsets[p] + headers, batch.Lengths[p] - headers);
            payload.CopyTo(output[position..]);
            position += payload.Length;
        }

        var packet = output[VirtioNetHeader.Size..position];
        var isIPv4 = (packet[0] >> 4) == 4;
        var ip = isIPv4 ? 20 : 40;
        if (isIPv4)
        {
            BinaryPrimitives.WriteUInt16BigEndian(packet[2..], (ushort)packet.Length);
            Checksum.SetIPv4HeaderChecksum(packet, 20);
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(packet[4..], (ushort)(packet.Length - 40));
        }

        if (item.Psh)
        {
            packet[ip + 13] |= 0x08;
        }

        // CHECKSUM_PARTIAL: the field holds the pseudo-header sum; the kernel completes (or never needs) the rest.
        var pseudo = Checksum.PseudoHeader(packet, 6, packet.Length - ip);
        BinaryPrimitives.WriteUInt16BigEndian(packet[(ip + 16)..], Checksum.Fold(pseudo));
        VirtioNetHeader.Write(output, VirtioNetHeader.FlagNeedsChecksum, isIPv4 ? VirtioNetHeader.GsoTcpV4 : VirtioNetHeader.GsoTcpV6,
            headers, item.SegmentSize, ip, 16);
        return position;
    }
}
