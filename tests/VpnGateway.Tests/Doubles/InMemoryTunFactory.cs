using System.Collections.Concurrent;
using VpnGateway.Tun;

namespace VpnGateway.Tests.Doubles;

internal sealed class InMemoryTunFactory : ITunFactory
{
    private int _next;

    public ConcurrentDictionary<string, InMemoryTun> Devices { get; } = new();

    public ITunDevice Create(string namePattern, int mtu)
    {
        var name = namePattern.Replace("%d", Interlocked.Increment(ref _next).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var tun = new InMemoryTun(name, mtu);
        Devices[name] = tun;
        return tun;
    }
}
