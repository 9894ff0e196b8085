namespace VpnGateway.Tun;

/// <summary>Creates TUN devices (Linux ones in the service, in-memory ones in unit tests).</summary>
internal interface ITunFactory
{
    /// <summary>Creates a device named <paramref name="namePattern"/> (<c>%d</c> lets the kernel number it), up, with <paramref name="mtu"/>.</summary>
    ITunDevice Create(string namePattern, int mtu);
}
