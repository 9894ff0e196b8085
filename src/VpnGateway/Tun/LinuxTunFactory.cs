namespace VpnGateway.Tun;

/// <summary>Creates <see cref="LinuxTunDevice"/>s, with or without offloads.</summary>
internal sealed class LinuxTunFactory(bool offloads) : ITunFactory
{
    public ITunDevice Create(string namePattern, int mtu) => LinuxTunDevice.Create(namePattern, mtu, offloads);
}
