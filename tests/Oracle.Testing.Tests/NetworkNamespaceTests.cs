using System.Net;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Oracle.Testing.Tests;

public sealed partial class NetworkNamespaceTests
{
    private const uint TunSetIff = 0x400454ca;
    private const short IffTun = 0x0001;
    private const short IffNoPi = 0x1000;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static unsafe partial int Ioctl(int fd, nuint request, byte* arg);

    // struct ifreq: 16 bytes of name, then the flags (short), padded to 40 bytes.
    private static unsafe SafeFileHandle OpenTun(string name)
    {
        var fd = Open("/dev/net/tun", 2 /* O_RDWR */);
        Assert.True(fd >= 0, $"open /dev/net/tun: errno {Marshal.GetLastPInvokeError()}");
        var ifreq = new byte[40];
        System.Text.Encoding.ASCII.GetBytes(name).CopyTo(ifreq, 0);
        BitConverter.GetBytes((short)(IffTun | IffNoPi)).CopyTo(ifreq, 16);
        fixed (byte* p = ifreq)
        {
            Assert.True(Ioctl(fd, TunSetIff, p) == 0, $"TUNSETIFF: errno {Marshal.GetLastPInvokeError()}");
        }

        return new SafeFileHandle(fd, ownsHandle: true);
    }

    [Fact]
    public async Task TunDevice_InsideANamespace_ReceivesThePacketsRoutedToIt()
    {
        await using var ns = await NetworkNamespace.CreateAsync("fixt");
        using var tun = ns.RunInside(() => OpenTun("otun0"));
        (await ns.ExecAsync("ip", "addr", "add", "198.18.200.1/30", "dev", "otun0")).EnsureSuccess();
        (await ns.ExecAsync("ip", "link", "set", "otun0", "up")).EnsureSuccess();

        // Nothing answers on the other side of the TUN: the ping fails, but its echo request reaches our descriptor.
        var ping = ns.ExecAsync(TimeSpan.FromSeconds(10), "ping", "-c", "3", "-i", "0.2", "-W", "1", "198.18.200.2");
        using var stream = new FileStream(tun, FileAccess.Read, bufferSize: 0);
        var buffer = new byte[2048];
        var read = Task.Run(() =>
        {
            while (true)
            {
                var n = stream.Read(buffer);
                // IPv4, ICMP, echo request to the peer address (the kernel may also send IPv6 chatter first).
                if (n >= 28 && buffer[0] >> 4 == 4 && buffer[9] == 1 && buffer[20] == 8 && new IPAddress(buffer.AsSpan(16, 4)).Equals(IPAddress.Parse("198.18.200.2")))
                {
                    return n;
                }
            }
        });

        var length = await read.WaitAsync(TimeSpan.FromSeconds(10));
        await ping;

        Assert.Equal(IPAddress.Parse("198.18.200.1"), new IPAddress(buffer.AsSpan(12, 4)));
        Assert.Equal(length, (buffer[2] << 8) | buffer[3]);
    }

    [Fact]
    public async Task ConnectAsync_TwoNamespaces_PingEachOtherAndNothingElse()
    {
        await using var a = await NetworkNamespace.CreateAsync("fixt");
        await using var b = await NetworkNamespace.CreateAsync("fixt");
        await NetworkNamespace.ConnectAsync(a, "198.18.201.1/30", b, "198.18.201.2/30");

        var reached = await a.ExecAsync("ping", "-c", "1", "-W", "2", "198.18.201.2");
        var noRoute = await a.ExecAsync("ping", "-c", "1", "-W", "1", "198.18.202.1");

        Assert.Equal(0, reached.ExitCode);
        Assert.NotEqual(0, noRoute.ExitCode);
    }

    [Fact]
    public async Task DisposeAsync_ProcessesAndNamespace_AreGone()
    {
        var ns = await NetworkNamespace.CreateAsync("fixt");
        var log = Path.GetTempFileName();
        var sleeper = ns.StartProcess(log, "sleep", "600");
        var pid = sleeper.Id;
        Assert.True(Directory.Exists($"/proc/{pid}"));

        await ns.DisposeAsync();

        Assert.False(Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z", StringComparison.Ordinal));
        Assert.DoesNotContain(ns.Name, (await Commands.RunAsync("ip", "netns", "list")).StandardOutput);
        File.Delete(log);
    }

    [Fact]
    public async Task CreateAsync_BadPrefix_IsRefused()
        => await Assert.ThrowsAsync<ArgumentException>(() => NetworkNamespace.CreateAsync("Not-Valid"));
}
