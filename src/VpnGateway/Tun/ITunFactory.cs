namespace VpnGateway.Tun;

/// <summary>Creates TUN devices (Linux ones in the service, in-memory ones in unit tests).</summary>
internal interface ITunFactory
{
    /// <summary>
    /// Creates a device named <paramref name="namePattern"/> (<c>%d</c> lets the kernel number it), up, with
    /// <paramref name="mtu"/>, <paramref name="queues"/> queues (each read and written by its own worker) and, with
    /// <paramref name="ipv6"/>, IPv6. Returns one object per queue; they share the device's name.
    /// </summary>
    IReadOnlyList<ITunDevice> Create(string namePattern, int mtu, int queues = 1, bool ipv6 = false);
}
