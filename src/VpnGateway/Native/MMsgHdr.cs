using System.Runtime.InteropServices;

namespace VpnGateway.Native;

[StructLayout(LayoutKind.Sequential)]
internal struct MMsgHdr
{
    public MsgHdr Header;
    public uint Length;
}
