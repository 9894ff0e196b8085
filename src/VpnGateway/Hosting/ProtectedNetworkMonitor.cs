using Microsoft.Extensions.Logging;
using Oracle.Core.Policy;
using VpnGateway.Network;
using VpnGateway.Tunnel;

namespace VpnGateway.Hosting;

/// <summary>
/// Follows the provider host's addresses (netlink) and protects every network that appears after start — a Docker or
/// libvirt bridge, a VLAN, a DHCP renumbering — at once: the kernel's firewall closes it to every tunnel device, and
/// the guard of every session that starts afterwards includes it. Protected networks only ever grow while the gateway
/// runs (a network that went away stays protected).
/// </summary>
internal sealed class ProtectedNetworkMonitor : IAsyncDisposable
{
    private readonly Func<IReadOnlyList<IpPrefix>> _discover;
    private readonly Func<IReadOnlyCollection<IpPrefix>, CancellationToken, Task> _protect;
    private readonly ILogger _logger;
    private readonly List<IpPrefix> _known;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AddressChangeWatcher? _watcher;

    public ProtectedNetworkMonitor(IEnumerable<IpPrefix> initial, Func<IReadOnlyList<IpPrefix>> discover,
        Func<IReadOnlyCollection<IpPrefix>, CancellationToken, Task> protect, ILogger logger)
    {
        _known = [.. initial];
        _discover = discover;
        _protect = protect;
        _logger = logger;
    }

    /// <summary>Watches the host, and protects what appeared between the first discovery and now.</summary>
    public static async Task<ProtectedNetworkMonitor> StartAsync(IEnumerable<IpPrefix> initial, Func<IReadOnlyList<IpPrefix>> discover,
        ProviderFirewall firewall, GatewayServer server, ILogger logger, CancellationToken cancellationToken)
    {
        var monitor = new ProtectedNetworkMonitor(initial, discover, async (added, ct) =>
        {
            await firewall.AddProtectedAsync(added, ct).ConfigureAwait(false);
            server.AddProviderNetworks(added);
        }, logger);
        monitor._watcher = AddressChangeWatcher.Start(monitor.RefreshAsync, logger);
        await monitor.RefreshAsync(cancellationToken).ConfigureAwait(false);
        return monitor;
    }

    /// <summary>Rediscovers the host's networks and protects the new ones; returns them.</summary>
    public async Task<IReadOnlyList<IpPrefix>> RefreshAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var added = new List<IpPrefix>();
            foreach (var prefix in _discover())
            {
                if (!_known.Exists(k => k.Covers(prefix)) && !added.Exists(k => k.Covers(prefix)))
                {
                    added.RemoveAll(prefix.Covers);
                    added.Add(prefix);
                }
            }

            if (added.Count > 0)
            {
                await _protect(added, cancellationToken).ConfigureAwait(false);
                _known.AddRange(added);
                _logger.LogWarning("networks appeared on this host after start: {Networks}; protected from now on (closed to running sessions; in the guard of new ones)",
                    string.Join(", ", added));
            }

            return added;
        }
        finally
        {
            _gate.Release();
        }
    }

    public ValueTask DisposeAsync()
    {
        _watcher?.Dispose();
        _gate.Dispose();
        return ValueTask.CompletedTask;
    }
}
