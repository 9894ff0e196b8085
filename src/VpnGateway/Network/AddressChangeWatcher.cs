using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using VpnGateway.Native;

namespace VpnGateway.Network;

/// <summary>
/// Tells when the host's links or addresses change (rtnetlink multicast groups RTMGRP_LINK, RTMGRP_IPV4_IFADDR,
/// RTMGRP_IPV6_IFADDR): a bridge, a VLAN or a container network coming up, a DHCP renumbering. The messages are not
/// parsed; a burst of them calls <see cref="Changed"/> once, after it settled for <see cref="Settle"/>.
/// </summary>
internal sealed unsafe class AddressChangeWatcher : IDisposable
{
    private const int AF_NETLINK = 16;
    private const int SOCK_RAW = 3;
    private const int NETLINK_ROUTE = 0;
    private const uint RTMGRP_LINK = 0x1;
    private const uint RTMGRP_IPV4_IFADDR = 0x10;
    private const uint RTMGRP_IPV6_IFADDR = 0x100;

    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(50);

    private readonly int _socket;
    private readonly int _wake;
    private readonly Thread _thread;
    private readonly ILogger _logger;
    private readonly Func<CancellationToken, Task> _changed;
    private readonly CancellationTokenSource _stop = new();
    private int _disposed;

    private AddressChangeWatcher(int socket, int wake, Func<CancellationToken, Task> changed, ILogger logger)
    {
        _socket = socket;
        _wake = wake;
        _changed = changed;
        _logger = logger;
        _thread = new Thread(Run) { IsBackground = true, Name = "address-watch" };
        _thread.Start();
    }

    /// <summary>Subscribes to the host's address and link changes; <paramref name="changed"/> runs after each burst.</summary>
    /// <exception cref="NetworkConfigurationException">The netlink socket cannot be opened.</exception>
    public static AddressChangeWatcher Start(Func<CancellationToken, Task> changed, ILogger logger)
    {
        var socket = Libc.Socket(AF_NETLINK, SOCK_RAW | Libc.SOCK_CLOEXEC, NETLINK_ROUTE);
        if (socket < 0)
        {
            throw new NetworkConfigurationException($"cannot open a netlink socket to follow address changes: {Libc.Describe(Libc.LastError)}");
        }

        var address = new SockAddrNl { Family = AF_NETLINK, Groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR };
        if (Libc.Bind(socket, &address, sizeof(SockAddrNl)) != 0)
        {
            var error = Libc.LastError;
            Libc.Close(socket);
            throw new NetworkConfigurationException($"cannot subscribe to address changes (netlink): {Libc.Describe(error)}");
        }

        var wake = Libc.EventFd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        if (wake < 0)
        {
            var error = Libc.LastError;
            Libc.Close(socket);
            throw new NetworkConfigurationException($"eventfd: {Libc.Describe(error)}");
        }

        return new AddressChangeWatcher(socket, wake, changed, logger);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stop.Cancel();
        Libc.Signal(_wake);
        _thread.Join(TimeSpan.FromSeconds(5));
        Libc.Close(_socket);
        Libc.Close(_wake);
        _stop.Dispose();
    }

    private void Run()
    {
        var buffer = new byte[64 * 1024];
        var fds = stackalloc PollFd[2];
        while (!_stop.IsCancellationRequested)
        {
            fds[0] = new PollFd { Fd = _socket, Events = Libc.POLLIN };
            fds[1] = new PollFd { Fd = _wake, Events = Libc.POLLIN };
            if (Libc.Poll(fds, 2, -1) < 0 && Libc.LastError != Libc.EINTR)
            {
                _logger.LogError("following address changes failed (poll: {Error}); the protected networks stay as they are", Libc.Describe(Libc.LastError));
                return;
            }

            if (_stop.IsCancellationRequested)
            {
                return;
            }

            if ((fds[0].ReturnedEvents & Libc.POLLIN) == 0)
            {
                continue;
            }

            // Let the burst settle (an address comes with its routes and link events), then drain and act once. A
            // receive buffer overrun (ENOBUFS) only means events were lost: acting now covers them too.
            Thread.Sleep(Settle);
            Drain(buffer);
            try
            {
                _changed(_stop.Token).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _logger.LogError("after an address change: {Message}", e.Message);
            }
        }
    }

    private void Drain(byte[] buffer)
    {
        fixed (byte* data = buffer)
        {
            while (true)
            {
                var received = Libc.Recv(_socket, data, buffer.Length, Libc.MSG_DONTWAIT);
                if (received <= 0 && (received == 0 || Libc.LastError != Libc.ENOBUFS))
                {
                    return;
                }
            }
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct SockAddrNl
    {
        public ushort Family;
        public ushort Pad;
        public uint Pid;
        public uint Groups;
    }
}
