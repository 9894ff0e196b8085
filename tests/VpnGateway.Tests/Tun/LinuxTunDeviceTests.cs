using Oracle.Testing;
using VpnGateway.Tun;

namespace VpnGateway.Tests.Tun;

/// <summary>A real TUN device in a throwaway namespace (root).</summary>
public sealed class LinuxTunDeviceTests
{
    [Fact]
    public async Task Create_DeviceComesUp_KernelSendsNothingIntoIt()
    {
        await using var ns = await NetworkNamespace.CreateAsync("gwtun");
        using var device = ns.RunInside(() => LinuxTunDevice.Create("tst%d", 1420));
        var batch = new PacketBatch(16, 1420);
        var packets = 0;

        // Router solicitations go out up to a second after the device comes up, MLD reports at once.
        using var window = new CancellationTokenSource(TimeSpan.FromSeconds(2.5));
        while (device.Read(batch, window.Token))
        {
            packets += batch.Count;
        }

        var ipv6 = await ns.ExecAsync("cat", $"/proc/sys/net/ipv6/conf/{device.Name}/disable_ipv6");
        Assert.Equal(0, packets);
        Assert.Equal("1", ipv6.StandardOutput.Trim());
    }
}
