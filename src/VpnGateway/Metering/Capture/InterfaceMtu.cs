using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace VpnGateway.Metering.Capture;

/// <summary>An interface's MTU (ioctl SIOCGIFMTU on a socket of the calling thread's network namespace).</summary>
internal static partial class InterfaceMtu
{
    private const uint SiocGifMtu = 0x8921;

    /// <summary>The MTU of <paramref name="interfaceName"/>, or 0 when it cannot be read.</summary>
    public static int Read(string interfaceName)
    {
        ArgumentNullException.ThrowIfNull(interfaceName);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        Span<byte> request = stackalloc byte[40]; // struct ifreq: name[16], then the union (ifr_mtu: int)
        request.Clear();
        var name = Encoding.ASCII.GetBytes(interfaceName);
        if (name.Length >= 16)
        {
            return 0;
        }

        name.CopyTo(request);
        return Ioctl((int)socket.Handle, SiocGifMtu, ref MemoryMarshal.GetReference(request)) == 0
            ? MemoryMarshal.Read<int>(request[16..])
            : 0;
    }

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int Ioctl(int fd, uint request, ref byte argument);
}
