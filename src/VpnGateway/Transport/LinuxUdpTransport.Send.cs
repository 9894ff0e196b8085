using VpnGateway.Native;
using VpnGateway.Tun;

namespace VpnGateway.Transport;

/// <summary>The send side: runs of equal-sized datagrams as UDP GSO messages through sendmmsg.</summary>
internal sealed unsafe partial class LinuxUdpTransport
{
    public void Send(PacketBatch batch, UdpEndpoint destination) => Send(batch, 0, batch.Count, destination);

    public void Send(PacketBatch batch, int start, int count, UdpEndpoint destination)
    {
        if (count <= 0)
        {
            return;
        }

        lock (_sendLock)
        {
            Write(ref _sendName, destination);
            var index = start;
            var end = start + count;
            while (index < end)
            {
                index = SendGroups(batch, index, end);
            }
        }
    }

    public void Send(ReadOnlySpan<byte> datagram, UdpEndpoint destination)
    {
        lock (_sendLock)
        {
            Write(ref _sendName, destination);
            fixed (byte* data = datagram)
            {
                _sendIov[0] = new IoVec { Base = data, Length = (nuint)datagram.Length };
                ref var header = ref _sendMessages[0].Header;
                header = default;
                fixed (SockAddrIn6* name = &_sendName)
                {
                    header.Name = name;
                    header.NameLength = sizeof(SockAddrIn6);
                    header.Iov = _sendIov;
                    header.IovLength = 1;
                    if (SendAll(1) < 1)
                    {
                        SendErrors++;
                    }
                }
            }
        }
    }

    /// <summary>Builds up to <see cref="MaxGroups"/> messages from packets <paramref name="start"/>…<paramref name="end"/>, sends them, returns the next packet.</summary>
    private int SendGroups(PacketBatch batch, int start, int end)
    {
        var groups = 0;
        var iov = 0;
        var index = start;
        fixed (SockAddrIn6* name = &_sendName)
        {
            while (index < end && groups < MaxGroups)
            {
                var size = batch.Lengths[index];
                var count = 0;
                var total = 0;
                var first = iov;
                while (index < end && count < (_gso ? MaxSegmentsPerSend : 1) && iov < _sendIovCapacity)
                {
                    var length = batch.Lengths[index];
                    if (count > 0 && (length > size || total + length > 65000))
                    {
                        break;
                    }

                    _sendIov[iov++] = new IoVec { Base = batch.Buffer.Pointer + batch.Offsets[index], Length = (nuint)length };
                    total += length;
                    count++;
                    index++;
                    if (length < size)
                    {
                        break; // a shorter datagram can only end a GSO run
                    }
                }

                ref var header = ref _sendMessages[groups].Header;
                header.Name = name;
                header.NameLength = sizeof(SockAddrIn6);
                header.Iov = _sendIov + first;
                header.IovLength = (nuint)count;
                header.Flags = 0;
                if (count > 1)
                {
                    var control = _sendControl + (groups * ControlSize);
                    var cmsg = (CmsgHdr*)control;
                    cmsg->Length = (nuint)(sizeof(CmsgHdr) + sizeof(ushort));
                    cmsg->Level = Libc.SOL_UDP;
                    cmsg->Type = Libc.UDP_SEGMENT;
                    *(ushort*)(control + sizeof(CmsgHdr)) = (ushort)size;
                    header.Control = control;
                    header.ControlLength = (nuint)(sizeof(CmsgHdr) + 8);
                }
                else
                {
                    header.Control = null;
                    header.ControlLength = 0;
                }

                groups++;
            }

            var sent = SendAll(groups);
            if (sent < 0)
            {
                // GSO refused (EIO from a device without checksum offload): retry this run one datagram per message.
                _gso = false;
                return start;
            }

            return index;
        }
    }

    /// <summary>Sends messages 0..count of the send array; returns how many went out, or -1 when GSO must be turned off.</summary>
    private int SendAll(int count)
    {
        var done = 0;
        var waits = 0;
        while (done < count)
        {
            var n = Libc.SendMMsg(_fd, _sendMessages + done, (uint)(count - done), 0);
            if (n > 0)
            {
                done += n;
                continue;
            }

            var errno = Libc.LastError;
            if (errno == Libc.EINTR)
            {
                continue;
            }

            if (errno == Libc.EAGAIN && waits++ < 50)
            {
                // The socket buffer is full: wait briefly for room (back-pressure for the TUN reader).
                var fd = new PollFd { Fd = _fd, Events = Libc.POLLOUT };
                _ = Libc.Poll(&fd, 1, 10);
                continue;
            }

            if (errno == Libc.EIO && _gso && _sendMessages[done].Header.ControlLength != 0)
            {
                return -1;
            }

            // Unreachable destination, refused, or a full buffer for too long: drop this message, go on.
            SendErrors += (long)_sendMessages[done].Header.IovLength;
            done++;
        }

        return done;
    }
}
