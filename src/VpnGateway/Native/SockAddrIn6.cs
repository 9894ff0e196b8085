using System.Runtime.InteropServices;

namespace VpnGateway.Native;

/// <summary>sockaddr_in6 (28 bytes); the sockets are dual-stack, so IPv4 peers appear as ::ffff:a.b.c.d.</summary>
[StructLayout(LayoutKind.Sequential, Size = 28)]
internal unsafe struct SockAddrIn6
{
    public ushort Family;
    public ushort PortBigEndian;
    public uint FlowInfo;
    public fixed byte Address[16];
    public uint ScopeId;
}
