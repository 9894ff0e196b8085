using System.Runtime.InteropServices;

namespace VpnGateway.Native;

[StructLayout(LayoutKind.Sequential)]
internal struct CmsgHdr
{
    public nuint Length;
    public int Level;
    public int Type;
}
