using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using VpnGateway.Native;

namespace VpnGateway.Tun;

/// <summary>
/// A Linux TUN device (<c>/dev/net/tun</c>, IFF_TUN | IFF_NO_PI) with, by default, IFF_VNET_HDR and the TSO/checksum
/// offloads: the kernel then hands over TCP super-packets of up to 64 KB, which <see cref="Read"/> splits into MTU-sized
/// segments, and <see cref="Write"/> merges consecutive segments back into super-packets, so one system call moves up
/// to 64 KB each way. Non-blocking file descriptor; blocking reads wait in poll(2) together with an eventfd that the
/// reader's cancellation signals.
/// </summary>
internal sealed unsafe partial class LinuxTunDevice : ITunDevice
{
    private const nuint TunSetIff = 0x400454ca;
    private const nuint TunSetOffload = 0x400454d0;
    private const nuint TunSetVnetHdrSz = 0x400454d8;
    private const nuint SiocGIfFlags = 0x8913;
    private const nuint SiocSIfFlags = 0x8914;
    private const nuint SiocSIfMtu = 0x8922;
    private const short IffTun = 0x0001;
    private const short IffNoPi = 0x1000;
    private const short IffVnetHdr = 0x4000;
    private const short IffUp = 0x1;
    private const uint TunFCsum = 0x01;
    private const uint TunFTso4 = 0x02;
    private const uint TunFTso6 = 0x04;
    private const int ReadBufferSize = VirtioNetHeader.Size + 65536 + 64;

    private readonly int _fd;
    private readonly int _wakeFd;
    private readonly PinnedBuffer _readBuffer = new(ReadBufferSize);
    private readonly PinnedBuffer _writeBuffer = new(ReadBufferSize);
    private readonly TcpCoalescer _coalescer = new(4096);
    private readonly Lock _writeLock = new();
    private volatile bool _disposed;

    // A super-packet whose segments did not all fit into the caller's batch.
    private int _pendingLength;
    private int _pendingHeaders;
    private int _pendingChecksumStart;
    private int _pendingGsoSize;
    private int _pendingNext;
    private int _pendingSegments;

    private LinuxTunDevice(int fd, int wakeFd, string name, int mtu, bool offloads)
    {
        _fd = fd;
        _wakeFd = wakeFd;
        Name = name;
        Mtu = mtu;
        Offloads = offloads;
    }

    public string Name { get; }

    public int Mtu { get; }

    /// <summary>Whether the device runs with IFF_VNET_HDR and TSO (false: one packet per system call).</summary>
    public bool Offloads { get; }

    /// <summary>Packets the device handed over that could not be parsed or segmented.</summary>
    public long MalformedReads { get; private set; }

    /// <summary>Creates the device without IPv6 (the tunnel carries IPv4), sets its MTU and brings it up.</summary>
    /// <param name="name">The interface name (at most 15 bytes; <c>%d</c> lets the kernel number it).</param>
    /// <param name="mtu">The MTU.</param>
    /// <param name="offloads">Whether to use IFF_VNET_HDR with TSO and checksum offloads.</param>
    public static LinuxTunDevice Create(string name, int mtu, bool offloads = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (Encoding.ASCII.GetByteCount(name) > 15)
        {
            throw new ArgumentException($"interface name '{name}' is longer than 15 bytes", nameof(name));
        }

        var fd = Libc.Open("/dev/net/tun", Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
        if (fd < 0)
        {
            throw new NativeException("open /dev/net/tun", Libc.LastError);
        }

        try
        {
            var request = stackalloc byte[40];
            new Span<byte>(request, 40).Clear();
            Encoding.ASCII.GetBytes(name, new Span<byte>(request, 16));
            *(short*)(request + 16) = (short)(IffTun | IffNoPi | (offloads ? IffVnetHdr : 0));
            if (Libc.Ioctl(fd, TunSetIff, request) < 0)
            {
                throw new NativeException($"TUNSETIFF {name}", Libc.LastError);
            }

            var actualName = Encoding.ASCII.GetString(new ReadOnlySpan<byte>(request, 16)).TrimEnd('\0');
            if (offloads)
            {
                var size = VirtioNetHeader.Size;
                if (Libc.Ioctl(fd, TunSetVnetHdrSz, &size) < 0)
                {
                    throw new NativeException("TUNSETVNETHDRSZ", Libc.LastError);
                }

                if (Libc.Ioctl(fd, TunSetOffload, (nuint)(TunFCsum | TunFTso4 | TunFTso6)) < 0)
                {
                    throw new NativeException("TUNSETOFFLOAD", Libc.LastError);
                }
            }

            // IPv4 only inside the tunnel: without IPv6 on the device before it comes up, the kernel sends no router
            // solicitation or MLD report into it (they were counted as no_key and source_not_allowed at every start).
            var ipv6 = $"/proc/sys/net/ipv6/conf/{actualName}/disable_ipv6";
            if (File.Exists(ipv6))
            {
                File.WriteAllText(ipv6, "1");
            }

            SetMtuAndUp(actualName, mtu);
            var wake = Libc.EventFd(0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
            if (wake < 0)
            {
                throw new NativeException("eventfd", Libc.LastError);
            }

            return new LinuxTunDevice(fd, wake, actualName, mtu, offloads);
        }
        catch
        {
            Libc.Close(fd);
            throw;
        }
    }

    public bool Read(PacketBatch batch, CancellationToken cancellationToken)
    {
        batch.ResetSlots();
        var buffer = _readBuffer.Pointer;
        while (true)
        {
            if (_pendingSegments > 0)
            {
                DrainPending(batch);
                if (batch.IsFull)
                {
                    return true;
                }
            }

            if (_disposed || cancellationToken.IsCancellationRequested)
            {
                return false;
            }

            var n = (int)Libc.Read(_fd, buffer, ReadBufferSize);
            if (n > 0)
            {
                Accept(batch, n);
                // Keep reading while the kernel has more and the batch has room for a full super-packet.
                if (batch.Capacity - batch.Count >= 48)
                {
                    continue;
                }

                return true;
            }

            var errno = n < 0 ? Libc.LastError : Libc.EIO;
            if (errno == Libc.EINTR)
            {
                continue;
            }

            if (errno != Libc.EAGAIN)
            {
                if (_disposed)
                {
                    return false;
                }

                throw new NativeException($"read {Name}", errno);
            }

            if (batch.Count > 0)
            {
                return true;
            }

            Wait(cancellationToken);
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        // The owner stops its reader (cancellation wakes it) before disposing, so no thread still uses the descriptors.
        _disposed = true;
        Libc.Close(_fd);
        Libc.Close(_wakeFd);
    }

    private void Wait(CancellationToken cancellationToken)
    {
        var fds = stackalloc PollFd[2];
        fds[0] = new PollFd { Fd = _fd, Events = Libc.POLLIN };
        fds[1] = new PollFd { Fd = _wakeFd, Events = Libc.POLLIN };
        using var registration = cancellationToken.Register(static state => Libc.Signal((int)state!), _wakeFd);
        _ = Libc.Poll(fds, 2, -1);
    }

    private void Accept(PacketBatch batch, int length)
    {
        var data = _readBuffer.Span(0, length);
        if (!Offloads)
        {
            CopyIntoSlot(batch, data);
            return;
        }

        if (length <= VirtioNetHeader.Size)
        {
            MalformedReads++;
            return;
        }

        var flags = data[0];
        var gsoType = (byte)(data[1] & ~VirtioNetHeader.GsoEcn);
        int gsoSize = BinaryPrimitives.ReadUInt16LittleEndian(data[4..]);
        int checksumStart = BinaryPrimitives.ReadUInt16LittleEndian(data[6..]);
        int checksumOffset = BinaryPrimitives.ReadUInt16LittleEndian(data[8..]);
        var packet = data[VirtioNetHeader.Size..];
        if (gsoType == VirtioNetHeader.GsoNone)
        {
            if (packet.Length > batch.MaxPacket)
            {
                MalformedReads++;
                return;
            }

            var slot = batch.Buffer.Array.AsSpan(batch.Offsets[batch.Count], packet.Length);
            packet.CopyTo(slot);
            if ((flags & VirtioNetHeader.FlagNeedsChecksum) != 0 && !TcpSegmenter.CompleteChecksum(slot, checksumStart, checksumOffset))
            {
                MalformedReads++;
                return;
            }

            batch.Lengths[batch.Count++] = packet.Length;
            return;
        }

        if (gsoType is not (VirtioNetHeader.GsoTcpV4 or VirtioNetHeader.GsoTcpV6)
            || !TcpSegmenter.TryPlan(packet, checksumStart, gsoSize, out var headers, out var segments)
            || headers + gsoSize > batch.MaxPacket)
        {
            MalformedReads++;
            return;
        }

        // The packet stays in the read buffer (after its header) until every segment went out.
        _pendingLength = packet.Length;
        _pendingHeaders = headers;
        _pendingChecksumStart = checksumStart;
        _pendingGsoSize = gsoSize;
        _pendingSegments = segments;
        _pendingNext = 0;
        DrainPending(batch);
    }

    private void DrainPending(PacketBatch batch)
    {
        var packet = _readBuffer.Span(VirtioNetHeader.Size, _pendingLength);
        while (_pendingNext < _pendingSegments && !batch.IsFull)
        {
            var slot = batch.Buffer.Array.AsSpan(batch.Offsets[batch.Count], batch.MaxPacket);
            batch.Lengths[batch.Count++] = TcpSegmenter.WriteSegment(packet, _pendingHeaders, _pendingChecksumStart, _pendingGsoSize,
                _pendingNext++, _pendingSegments, slot);
        }

        if (_pendingNext == _pendingSegments)
        {
            _pendingSegments = 0;
        }
    }

    private void CopyIntoSlot(PacketBatch batch, ReadOnlySpan<byte> packet)
    {
        if (packet.Length > batch.MaxPacket)
        {
            MalformedReads++;
            return;
        }

        packet.CopyTo(batch.Buffer.Array.AsSpan(batch.Offsets[batch.Count]));
        batch.Lengths[batch.Count++] = packet.Length;
    }

    private static void SetMtuAndUp(string name, int mtu)
    {
        var socket = Libc.Socket(Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
        if (socket < 0)
        {
            throw new NativeException("socket", Libc.LastError);
        }

        try
        {
            var request = stackalloc byte[40];
            new Span<byte>(request, 40).Clear();
            Encoding.ASCII.GetBytes(name, new Span<byte>(request, 16));
            *(int*)(request + 16) = mtu;
            if (Libc.Ioctl(socket, SiocSIfMtu, request) < 0)
            {
                throw new NativeException($"SIOCSIFMTU {name} {mtu}", Libc.LastError);
            }

            if (Libc.Ioctl(socket, SiocGIfFlags, request) < 0)
            {
                throw new NativeException($"SIOCGIFFLAGS {name}", Libc.LastError);
            }

            *(short*)(request + 16) |= IffUp;
            if (Libc.Ioctl(socket, SiocSIfFlags, request) < 0)
            {
                throw new NativeException($"SIOCSIFFLAGS {name}", Libc.LastError);
            }
        }
        finally
        {
            Libc.Close(socket);
        }
    }
}
