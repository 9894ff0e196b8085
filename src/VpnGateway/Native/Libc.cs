using System.Runtime.InteropServices;

namespace VpnGateway.Native;

/// <summary>The few libc calls the data path needs (TUN ioctls, batched UDP, poll). Blittable arguments only.</summary>
internal static unsafe partial class Libc
{
    public const int EINTR = 4;
    public const int EIO = 5;
    public const int EAGAIN = 11;
    public const int EINVAL = 22;
    public const int EMSGSIZE = 90;
    public const int ENOPROTOOPT = 92;
    public const int ENOBUFS = 105;
    public const int ECONNREFUSED = 111;
    public const int EHOSTUNREACH = 113;
    public const int ENETUNREACH = 101;
    public const int EPERM = 1;

    public const int O_RDWR = 2;
    public const int O_NONBLOCK = 0x800;
    public const int O_CLOEXEC = 0x80000;

    public const int AF_INET = 2;
    public const int AF_INET6 = 10;
    public const int SOCK_DGRAM = 2;
    public const int SOCK_NONBLOCK = 0x800;
    public const int SOCK_CLOEXEC = 0x80000;

    public const int SOL_SOCKET = 1;
    public const int SO_SNDBUF = 7;
    public const int SO_RCVBUF = 8;
    public const int SO_SNDBUFFORCE = 32;
    public const int SO_RCVBUFFORCE = 33;
    public const int IPPROTO_IP = 0;
    public const int IPPROTO_IPV6 = 41;
    public const int IPV6_V6ONLY = 26;
    public const int SOL_UDP = 17;
    public const int UDP_SEGMENT = 103;
    public const int UDP_GRO = 104;

    public const int MSG_DONTWAIT = 0x40;

    public const short POLLIN = 0x001;
    public const short POLLOUT = 0x004;

    public const int EFD_NONBLOCK = 0x800;
    public const int EFD_CLOEXEC = 0x80000;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "writev", SetLastError = true)]
    public static partial nint WriteV(int fd, IoVec* iov, int count);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request, void* argument);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request, nuint argument);

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    public static partial int Bind(int fd, void* address, int addressLength);

    [LibraryImport("libc", EntryPoint = "getsockname", SetLastError = true)]
    public static partial int GetSockName(int fd, void* address, int* addressLength);

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    public static partial int SetSockOpt(int fd, int level, int name, void* value, int length);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    public static partial nint Recv(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", EntryPoint = "recvmmsg", SetLastError = true)]
    public static partial int RecvMMsg(int fd, MMsgHdr* messages, uint count, int flags, void* timeout);

    [LibraryImport("libc", EntryPoint = "sendmmsg", SetLastError = true)]
    public static partial int SendMMsg(int fd, MMsgHdr* messages, uint count, int flags);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initial, int flags);

    public static int SetSockOptInt(int fd, int level, int name, int value) => SetSockOpt(fd, level, name, &value, sizeof(int));

    public static int LastError => Marshal.GetLastPInvokeError();

    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    /// <summary>Wakes a thread blocked in <see cref="Poll"/> on <paramref name="eventFd"/>.</summary>
    public static void Signal(int eventFd)
    {
        ulong one = 1;
        _ = Write(eventFd, (byte*)&one, sizeof(ulong));
    }
}
