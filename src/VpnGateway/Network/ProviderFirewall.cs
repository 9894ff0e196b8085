using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Oracle.Core.Policy;

namespace VpnGateway.Network;

/// <summary>
/// The provider's nftables table (<c>inet oracle_gw_&lt;pid&gt;</c>), installed whether or not it forwards, and removed
/// (with the forwarding sysctl restored) on dispose:
/// <list type="bullet">
/// <item>input and forward from a tunnel device: only from a running session's prefixes (its tunnel addresses and
/// routed LANs: the sets <c>clients4</c> and <c>clients6</c>, which sessions add to and remove from as they start and
/// end, see <see cref="ISessionFirewall"/>);</item>
/// <item>input from a tunnel device: only unicast to this host (no broadcast, multicast: LLMNR, mDNS, DHCP servers),
/// and nothing to a network that appeared after start;</item>
/// <item>forward: never tunnel to tunnel; from a tunnel device out of the uplink only (or to an exported network),
/// never to a network that appeared after start; towards a tunnel device only replies and related ICMP when the
/// destination is a client's tunnel address (routed site-to-site LANs take new connections, as their policy says);
/// with forwarding off, nothing from or to a tunnel device;</item>
/// <item>masquerade of the pool behind the uplink.</item>
/// </list>
/// The policy guard in the data path decides first; this table is the kernel's own line behind it, and the only one
/// for networks that appear while sessions run (<see cref="AddProtectedAsync"/>).
/// </summary>
internal sealed class ProviderFirewall : IAsyncDisposable, ISessionFirewall
{
    private readonly ProviderFirewallSettings _settings;
    private readonly ILogger _logger;
    private readonly IReadOnlyList<(string Path, string Previous)> _sysctls;
    private readonly Lock _pendingLock = new();
    private List<(string Line, TaskCompletionSource Done)> _pending = [];
    private bool _flushing;
    private int _disposed;

    private ProviderFirewall(ProviderFirewallSettings settings, ILogger logger, IReadOnlyList<(string Path, string Previous)> sysctls)
    {
        _settings = settings;
        _logger = logger;
        _sysctls = sysctls;
    }

    public string TableName => _settings.TableName;

    public static async Task<ProviderFirewall> InstallAsync(ProviderFirewallSettings settings, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var sysctls = new List<(string Path, string Previous)>();
        if (settings.Forward)
        {
            // IPv4 forwarding always (the pool); IPv6 forwarding only with an IPv6 pool: it changes how the host takes
            // router advertisements (docs/gateway.md).
            foreach (var path in settings.Pool6 is null ? ["/proc/sys/net/ipv4/ip_forward"] : new[] { "/proc/sys/net/ipv4/ip_forward", "/proc/sys/net/ipv6/conf/all/forwarding" })
            {
                sysctls.Add((path, (await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false)).Trim()));
            }
        }

        await CommandRunner.RunAsync("nft", ["-f", "-"], cancellationToken, Rules(settings)).ConfigureAwait(false);
        var firewall = new ProviderFirewall(settings, logger, sysctls);
        try
        {
            foreach (var (path, _) in sysctls)
            {
                await File.WriteAllTextAsync(path, "1", cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            await firewall.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var pools = settings.Pool6 is null ? $"{settings.Pool}" : $"{settings.Pool} and {settings.Pool6}";
        logger.LogInformation("nftables table inet {Table}: {Mode}", settings.TableName,
            !settings.Forward ? "forwarding off (nothing forwarded from or to the tunnels)"
            : $"forwarding on for {pools}{(settings.Masquerade ? " with masquerade" : string.Empty)}{(settings.Uplink is null ? string.Empty : $", out of {settings.Uplink} only")}");
        return firewall;
    }

    /// <inheritdoc/>
    public Task AllowSourcesAsync(IReadOnlyCollection<IpPrefix> prefixes, CancellationToken cancellationToken)
        => ApplyAsync(ElementLines("add", prefixes), cancellationToken);

    /// <inheritdoc/>
    public Task RevokeSourcesAsync(IReadOnlyCollection<IpPrefix> prefixes, CancellationToken cancellationToken)
        => ApplyAsync(ElementLines("delete", prefixes), cancellationToken);

    private IEnumerable<string> ElementLines(string verb, IReadOnlyCollection<IpPrefix> prefixes)
        => prefixes.Select(p => $"{verb} element inet {_settings.TableName} {(p.IsIPv6 ? "clients6" : "clients4")} {{ {p} }}");

    /// <summary>
    /// Runs nft lines, batched: while one nft process runs, the lines of every session starting or ending meanwhile
    /// gather and go in the next one (a thousand sessions starting at once cost a few processes, not a thousand). A
    /// batch nft refuses is run line by line, so only the failing lines fail.
    /// </summary>
    private async Task ApplyAsync(IEnumerable<string> lines, CancellationToken cancellationToken)
    {
        var waits = new List<Task>();
        var start = false;
        lock (_pendingLock)
        {
            foreach (var line in lines)
            {
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _pending.Add((line, done));
                waits.Add(done.Task);
            }

            if (!_flushing && _pending.Count > 0)
            {
                _flushing = true;
                start = true;
            }
        }

        if (start)
        {
            _ = Task.Run(FlushAsync, CancellationToken.None);
        }

        await Task.WhenAll(waits).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task FlushAsync()
    {
        while (true)
        {
            List<(string Line, TaskCompletionSource Done)> batch;
            lock (_pendingLock)
            {
                if (_pending.Count == 0)
                {
                    _flushing = false;
                    return;
                }

                (batch, _pending) = (_pending, []);
            }

            try
            {
                await CommandRunner.RunAsync("nft", ["-f", "-"], CancellationToken.None, string.Join('\n', batch.Select(b => b.Line)) + "\n").ConfigureAwait(false);
                batch.ForEach(b => b.Done.TrySetResult());
            }
            catch (Exception) when (batch.Count > 1)
            {
                foreach (var (line, done) in batch)
                {
                    try
                    {
                        await CommandRunner.RunAsync("nft", ["-f", "-"], CancellationToken.None, line + "\n").ConfigureAwait(false);
                        done.TrySetResult();
                    }
                    catch (Exception e)
                    {
                        done.TrySetException(e);
                    }
                }
            }
            catch (Exception e)
            {
                batch.ForEach(b => b.Done.TrySetException(e));
            }
        }
    }

    /// <summary>
    /// Closes <paramref name="prefixes"/> to every tunnel device at once, exported or not (networks that appeared after
    /// start: the running sessions' policies were compiled without them).
    /// </summary>
    public async Task AddProtectedAsync(IReadOnlyCollection<IpPrefix> prefixes, CancellationToken cancellationToken)
    {
        var script = new StringBuilder();
        foreach (var (set, family) in new[] { ("added4", false), ("added6", true) })
        {
            var elements = prefixes.Where(p => p.IsIPv6 == family).Select(p => p.ToString()).ToArray();
            if (elements.Length > 0)
            {
                script.Append(CultureInfo.InvariantCulture, $"add element inet {_settings.TableName} {set} {{ {string.Join(", ", elements)} }}\n");
            }
        }

        if (script.Length > 0)
        {
            await CommandRunner.RunAsync("nft", ["-f", "-"], cancellationToken, script.ToString()).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await CommandRunner.RunAsync("nft", ["delete", "table", "inet", _settings.TableName], CancellationToken.None).ConfigureAwait(false);
        }
        catch (NetworkConfigurationException e)
        {
            _logger.LogWarning("cleanup step failed: {Message}", e.Message);
        }

        foreach (var (path, previous) in _sysctls)
        {
            try
            {
                await File.WriteAllTextAsync(path, previous, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _logger.LogWarning("cleanup step failed: restoring {Sysctl}: {Message}", path, e.Message);
            }
        }
    }

    internal static string Rules(ProviderFirewallSettings s)
    {
        var tunnel = $"iifname \"{s.DevicePrefix}*\"";
        var toTunnel = $"oifname \"{s.DevicePrefix}*\"";
        var rules = new StringBuilder();
        rules.Append(CultureInfo.InvariantCulture, $$"""
            table inet {{s.TableName}} {
              set added4 { type ipv4_addr; flags interval; auto-merge; }
              set added6 { type ipv6_addr; flags interval; auto-merge; }
              set exports4 { type ipv4_addr; flags interval; auto-merge; {{Elements(s.Exports, ipv6: false)}} }
              set exports6 { type ipv6_addr; flags interval; auto-merge; {{Elements(s.Exports, ipv6: true)}} }
              set clients4 { type ipv4_addr; flags interval; }
              set clients6 { type ipv6_addr; flags interval; }
              chain input {
                type filter hook input priority filter; policy accept;
                {{tunnel}} ip saddr != @clients4 drop
                {{tunnel}} ip6 saddr != @clients6 drop
                {{tunnel}} fib daddr type != local drop
                {{tunnel}} ip daddr @added4 drop
                {{tunnel}} ip6 daddr @added6 drop
              }
              chain forward {
                type filter hook forward priority filter; policy accept;
                {{tunnel}} {{toTunnel}} drop
                {{tunnel}} ip saddr != @clients4 drop
                {{tunnel}} ip6 saddr != @clients6 drop

            """);
        if (!s.Forward)
        {
            rules.Append(CultureInfo.InvariantCulture, $"    {tunnel} drop\n    {toTunnel} drop\n");
        }
        else
        {
            rules.Append(CultureInfo.InvariantCulture, $"    {tunnel} ip daddr @added4 drop\n    {tunnel} ip6 daddr @added6 drop\n");
            if (s.Uplink is not null)
            {
                rules.Append(CultureInfo.InvariantCulture, $"    {tunnel} oifname != \"{s.Uplink}\" ip daddr != @exports4 drop\n");
                rules.Append(CultureInfo.InvariantCulture, $"    {tunnel} oifname != \"{s.Uplink}\" ip6 daddr != @exports6 drop\n");
            }

            rules.Append(CultureInfo.InvariantCulture, $"    {tunnel} accept\n    {toTunnel} ct state established,related accept\n");
            rules.Append(CultureInfo.InvariantCulture, $"    {toTunnel} ip daddr {s.Pool} drop\n");
            if (s.Pool6 is { } pool6)
            {
                rules.Append(CultureInfo.InvariantCulture, $"    {toTunnel} ip6 daddr {pool6} drop\n");
            }
        }

        rules.Append("  }\n");
        if (s.Forward && s.Masquerade)
        {
            var outbound = s.Uplink is null ? string.Empty : $"oifname \"{s.Uplink}\" ";
            var pool6 = s.Pool6 is { } six ? $"\n    ip6 saddr {six} {outbound}masquerade" : string.Empty;
            rules.Append(CultureInfo.InvariantCulture, $$"""
                  chain postrouting {
                    type nat hook postrouting priority srcnat; policy accept;
                    ip saddr {{s.Pool}} {{outbound}}masquerade{{pool6}}
                  }

                """);
        }

        rules.Append("}\n");
        return rules.ToString();
    }

    private static string Elements(IReadOnlyList<IpPrefix> prefixes, bool ipv6)
    {
        var list = prefixes.Where(p => p.IsIPv6 == ipv6).Select(p => p.ToString()).ToArray();
        return list.Length == 0 ? string.Empty : $"elements = {{ {string.Join(", ", list)} }}";
    }
}
