using System.Runtime.InteropServices;

namespace VpnGateway.Native;

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct IoVec
{
    public byte* Base;
    public nuint Length;
}
