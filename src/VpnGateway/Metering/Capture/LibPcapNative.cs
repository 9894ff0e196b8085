using System.Runtime.InteropServices;

namespace VpnGateway.Metering.Capture;

/// <summary>
/// The one libpcap call SharpPcap does not expose for a handle read with <c>pcap_next_ex</c>: <c>pcap_breakloop</c>,
/// which wakes a reader blocked in poll (Linux TPACKET_V3 does not time out while no packet arrives). Loaded by
/// name at first use, without a process-wide import resolver.
/// </summary>
internal static unsafe class LibPcapNative
{
    private static readonly Lazy<IntPtr> BreakLoopExport = new(() =>
    {
        foreach (var name in new[] { "libpcap.so.1", "libpcap.so.0.8", "libpcap.so" })
        {
            if (NativeLibrary.TryLoad(name, out var library) && NativeLibrary.TryGetExport(library, "pcap_breakloop", out var export))
            {
                return export;
            }
        }

        throw new DllNotFoundException("libpcap (pcap_breakloop) not found");
    });

    public static void BreakLoop(SafeHandle pcap)
    {
        var added = false;
        pcap.DangerousAddRef(ref added);
        try
        {
            ((delegate* unmanaged<IntPtr, void>)BreakLoopExport.Value)(pcap.DangerousGetHandle());
        }
        finally
        {
            if (added)
            {
                pcap.DangerousRelease();
            }
        }
    }
}
