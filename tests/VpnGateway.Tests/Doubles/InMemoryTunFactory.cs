using System.Collections.Concurrent;
using VpnGateway.Tun;

namespace VpnGateway.Tests.Doubles;

internal sealed class InMemoryTunFactory : ITunFactory
{
    private int _next;

    public ConcurrentDictionary<string, InMemoryTun> Devices { get; } = new();

    /// <summary>One in-memory device per call, whatever the number of queues asked for (a single queue serves them all).</summary>
    public IReadOnlyList<ITunDevice> Create(string namePattern, int mtu, int queues = 1, bool ipv6 = false)
    {
        var name = namePattern.Replace("%d", Interlocked.Increment(ref _next).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var tun = new InMemoryTun(name, mtu);
        Devices[name] = tun;
        return [tun];
    }
}
