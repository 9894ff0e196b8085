using System.Net;
using VpnGateway.Native;
using VpnGateway.Tun;

namespace VpnGateway.Transport;

/// <summary>
/// A dual-stack UDP socket driven with recvmmsg/sendmmsg, UDP GRO on receive (the kernel hands over up to 64 KB of
/// datagrams of one sender in one buffer) and UDP GSO on send (one message carries a run of equal-sized datagrams).
/// Falls back to one datagram per message where the kernel or device refuses GSO.
/// </summary>
internal sealed unsafe partial class LinuxUdpTransport : IDatagramTransport
{
    private const int ControlSize = 64;
    private const int MaxSegmentsPerSend = 64;
    private const int MaxGroups = 64;

    private readonly int _fd;
    private readonly int _wakeFd;
    private readonly Lock _sendLock = new();

    // Receive side (one receiving thread).
    private readonly MMsgHdr* _recvMessages;
    private readonly IoVec* _recvIov;
    private readonly SockAddrIn6* _recvNames;
    private readonly byte* _recvControl;
    private readonly int _recvCount;

    // Send side (under _sendLock).
    private readonly MMsgHdr* _sendMessages;
    private readonly IoVec* _sendIov;
    private readonly byte* _sendControl;
    private readonly int _sendIovCapacity;
    private SockAddrIn6 _sendName;
    private bool _gso;
    private volatile bool _disposed;

    private LinuxUdpTransport(int fd, int wakeFd, UdpEndpoint local, bool gro, int receiveMessages)
    {
        _fd = fd;
        _wakeFd = wakeFd;
        LocalEndpoint = local;
        _gso = true;
        Gro = gro;
        _recvCount = receiveMessages;
        _recvMessages = (MMsgHdr*)NativeMemoryAlloc(sizeof(MMsgHdr) * receiveMessages);
        _recvIov = (IoVec*)NativeMemoryAlloc(sizeof(IoVec) * receiveMessages);
        _recvNames = (SockAddrIn6*)NativeMemoryAlloc(sizeof(SockAddrIn6) * receiveMessages);
        _recvControl = (byte*)NativeMemoryAlloc(ControlSize * receiveMessages);
        _sendIovCapacity = MaxGroups * MaxSegmentsPerSend;
        _sendMessages = (MMsgHdr*)NativeMemoryAlloc(sizeof(MMsgHdr) * MaxGroups);
        _sendIov = (IoVec*)NativeMemoryAlloc(sizeof(IoVec) * _sendIovCapacity);
        _sendControl = (byte*)NativeMemoryAlloc(ControlSize * MaxGroups);
    }

    public UdpEndpoint LocalEndpoint { get; }

    /// <summary>Whether the kernel accepted UDP_GRO on the socket.</summary>
    public bool Gro { get; }

    /// <summary>Whether sends still use UDP GSO (turned off after the first EIO).</summary>
    public bool Gso => _gso;

    /// <summary>Datagrams dropped because the socket refused them.</summary>
    public long SendErrors { get; private set; }

    /// <summary>Opens and binds the socket.</summary>
    /// <param name="bind">Address and port to bind (port 0: any free port).</param>
    /// <param name="receiveMessages">Receive buffers of 64 KB handed to one recvmmsg call.</param>
    /// <param name="socketBuffer">SO_SNDBUF/SO_RCVBUF in bytes.</param>
    /// <param name="reusePort">
    /// SO_REUSEPORT: several sockets share the port and the kernel gives each peer (by address and port) to one of them,
    /// so one worker per socket receives all of a peer's datagrams in order.
    /// </param>
    public static LinuxUdpTransport Open(IPEndPoint bind, int receiveMessages = 8, int socketBuffer = 8 << 20, bool reusePort = false)
    {
        ArgumentNullException.ThrowIfNull(bind);
        var fd = Libc.Socket(Libc.AF_INET6, Libc.SOCK_DGRAM | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0);
        if (fd < 0)
        {
            throw new NativeException("socket(AF_INET6, SOCK_DGRAM)", Libc.LastError);
        }

        try
        {
            _ = Libc.SetSockOptInt(fd, Libc.IPPROTO_IPV6, Libc.IPV6_V6ONLY, 0);
            if (Libc.SetSockOptInt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, socketBuffer) < 0)
            {
                _ = Libc.SetSockOptInt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, socketBuffer);
            }

            if (Libc.SetSockOptInt(fd, Libc.SOL_SOCKET, Libc.SO_SNDBUFFORCE, socketBuffer) < 0)
            {
                _ = Libc.SetSockOptInt(fd, Libc.SOL_SOCKET, Libc.SO_SNDBUF, socketBuffer);
            }

            if (reusePort && Libc.SetSockOptInt(fd, Libc.SOL_SOCKET, Libc.SO_REUSEPORT, 1) < 0)
            {
                throw new NativeException("SO_REUSEPORT", Libc.LastError);
            }

            var gro = Libc.SetSockOptInt(fd, Libc.SOL_UDP, Libc.UDP_GRO, 1) == 0;
            var address = new SockAddrIn6();
            Write(ref address, UdpEndpoint.From(bind));
            if (Libc.Bind(fd, &address, sizeof(SockAddrIn6)) < 0)
            {
                throw new NativeException($"bind {bind}", Libc.LastError);
            }

            var length = sizeof(SockAddrIn6);
            var bound = new SockAddrIn6();
            _ = Libc.GetSockName(fd, &bound, &length);
            var wake = Libc.EventFd(0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
            if (wake < 0)
            {
                throw new NativeException("eventfd", Libc.LastError);
            }

            return new LinuxUdpTransport(fd, wake, Read(&bound), gro, receiveMessages);
        }
        catch
        {
            Libc.Close(fd);
            throw;
        }
    }

    public bool Receive(DatagramBatch batch, CancellationToken cancellationToken)
    {
        var messages = Math.Min(_recvCount, batch.Messages);
        batch.Count = 0;
        while (true)
        {
            if (_disposed || cancellationToken.IsCancellationRequested)
            {
                return false;
            }

            for (var i = 0; i < messages; i++)
            {
                _recvIov[i] = new IoVec { Base = batch.Buffer.Pointer + (i * DatagramBatch.BufferSize), Length = DatagramBatch.BufferSize };
                ref var header = ref _recvMessages[i].Header;
                header.Name = _recvNames + i;
                header.NameLength = sizeof(SockAddrIn6);
                header.Iov = _recvIov + i;
                header.IovLength = 1;
                header.Control = _recvControl + (i * ControlSize);
                header.ControlLength = ControlSize;
                header.Flags = 0;
                _recvMessages[i].Length = 0;
            }

            var n = Libc.RecvMMsg(_fd, _recvMessages, (uint)messages, 0, null);
            if (n > 0)
            {
                Split(batch, n);
                if (batch.Count > 0)
                {
                    return true;
                }

                continue;
            }

            var errno = Libc.LastError;
            if (errno == Libc.EINTR || errno == Libc.ECONNREFUSED)
            {
                continue;
            }

            if (errno != Libc.EAGAIN)
            {
                if (_disposed)
                {
                    return false;
                }

                throw new NativeException("recvmmsg", errno);
            }

            WaitReadable(cancellationToken);
        }
    }

    private void WaitReadable(CancellationToken cancellationToken)
    {
        var fds = stackalloc PollFd[2];
        fds[0] = new PollFd { Fd = _fd, Events = Libc.POLLIN };
        fds[1] = new PollFd { Fd = _wakeFd, Events = Libc.POLLIN };
        using var registration = cancellationToken.Register(static state => Libc.Signal((int)state!), _wakeFd);
        _ = Libc.Poll(fds, 2, -1);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Libc.Close(_fd);
        Libc.Close(_wakeFd);
        System.Runtime.InteropServices.NativeMemory.Free(_recvMessages);
        System.Runtime.InteropServices.NativeMemory.Free(_recvIov);
        System.Runtime.InteropServices.NativeMemory.Free(_recvNames);
        System.Runtime.InteropServices.NativeMemory.Free(_recvControl);
        System.Runtime.InteropServices.NativeMemory.Free(_sendMessages);
        System.Runtime.InteropServices.NativeMemory.Free(_sendIov);
        System.Runtime.InteropServices.NativeMemory.Free(_sendControl);
    }

    private void Split(DatagramBatch batch, int received)
    {
        for (var i = 0; i < received && batch.Count < batch.Capacity; i++)
        {
            var total = (int)_recvMessages[i].Length;
            if ((_recvMessages[i].Header.Flags & 0x20) != 0)
            {
                continue; // MSG_TRUNC: larger than any tunnel datagram
            }

            var segment = GroSegmentSize(ref _recvMessages[i].Header);
            if (segment <= 0)
            {
                segment = total;
            }

            var source = Read(_recvNames + i);
            var baseOffset = i * DatagramBatch.BufferSize;
            for (var offset = 0; offset < total && batch.Count < batch.Capacity; offset += segment)
            {
                batch.Offsets[batch.Count] = baseOffset + offset;
                batch.Lengths[batch.Count] = Math.Min(segment, total - offset);
                batch.Sources[batch.Count] = source;
                batch.Count++;
            }
        }
    }

    private static int GroSegmentSize(ref MsgHdr header)
    {
        var control = (byte*)header.Control;
        var length = (int)header.ControlLength;
        var offset = 0;
        while (offset + sizeof(CmsgHdr) <= length)
        {
            var cmsg = (CmsgHdr*)(control + offset);
            if (cmsg->Length < (nuint)sizeof(CmsgHdr))
            {
                break;
            }

            if (cmsg->Level == Libc.SOL_UDP && cmsg->Type == Libc.UDP_GRO)
            {
                return *(int*)(control + offset + sizeof(CmsgHdr));
            }

            offset += (int)((cmsg->Length + 7) & ~(nuint)7);
        }

        return 0;
    }

    private static void Write(ref SockAddrIn6 address, UdpEndpoint endpoint)
    {
        address.Family = Libc.AF_INET6;
        address.PortBigEndian = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(endpoint.Port);
        address.FlowInfo = 0;
        address.ScopeId = 0;
        fixed (byte* bytes = address.Address)
        {
            endpoint.WriteAddress(new Span<byte>(bytes, 16));
        }
    }

    private static UdpEndpoint Read(SockAddrIn6* address)
    {
        var value = System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(new ReadOnlySpan<byte>(address->Address, 16));
        return new UdpEndpoint(value, System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(address->PortBigEndian));
    }

    private static void* NativeMemoryAlloc(int bytes) => System.Runtime.InteropServices.NativeMemory.AllocZeroed((nuint)bytes);
}
