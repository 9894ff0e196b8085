using System.Collections.Concurrent;
using VpnGateway.Tun;

namespace VpnGateway.Tests.Doubles;

internal sealed class InMemoryTunFactory : ITunFactory
{
    private int _next;

    public ConcurrentDictionary<string, InMemoryTun> Devices { get; } = new();

    /// <summary>The names of the devices created with IPv6.</summary>
    public ConcurrentBag<string> Ipv6Devices { get; } = [];

    /// <summary>One in-memory device per call, whatever the number of queues asked for (a single queue serves them all).</summary>
    public IReadOnlyList<ITunDevice> Create(string namePattern, int mtu, int queues = 1, bool ipv6 = false)
    {
        var name = namePattern.Replace("%d", Interlocked.Increment(ref _next).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var tun = new InMemoryTun(name, mtu);
        Devices[name] = tun;
        if (ipv6)
        {
            Ipv6Devices.Add(name);
        }

        return [tun];
    }
}
