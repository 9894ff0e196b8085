namespace VpnGateway.Tun;

/// <summary>Creates <see cref="LinuxTunDevice"/>s, with or without offloads.</summary>
internal sealed class LinuxTunFactory(bool offloads) : ITunFactory
{
    public IReadOnlyList<ITunDevice> Create(string namePattern, int mtu, int queues = 1, bool ipv6 = false)
        => LinuxTunDevice.CreateQueues(namePattern, mtu, offloads, queues, ipv6);
}
