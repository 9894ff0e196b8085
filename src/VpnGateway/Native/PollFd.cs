using System.Runtime.InteropServices;

namespace VpnGateway.Native;

[StructLayout(LayoutKind.Sequential)]
internal struct PollFd
{
    public int Fd;
    public short Events;
    public short ReturnedEvents;
}
