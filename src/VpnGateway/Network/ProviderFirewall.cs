using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Oracle.Core.Policy;

namespace VpnGateway.Network;

/// <summary>
/// The provider's nftables table (<c>inet oracle_gw_&lt;pid&gt;</c>), installed whether or not it forwards, and removed
/// (with the forwarding sysctl restored) on dispose:
/// <list type="bullet">
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
internal sealed class ProviderFirewall : IAsyncDisposable
{
    private readonly ProviderFirewallSettings _settings;
    private readonly ILogger _logger;
    private readonly string? _sysctl;
    private readonly string? _previousSysctl;
    private int _disposed;

    private ProviderFirewall(ProviderFirewallSettings settings, ILogger logger, string? sysctl, string? previousSysctl)
    {
        _settings = settings;
        _logger = logger;
        _sysctl = sysctl;
        _previousSysctl = previousSysctl;
    }

    public string TableName => _settings.TableName;

    public static async Task<ProviderFirewall> InstallAsync(ProviderFirewallSettings settings, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        string? sysctl = null, previous = null;
        if (settings.Forward)
        {
            sysctl = settings.Pool.IsIPv6 ? "/proc/sys/net/ipv6/conf/all/forwarding" : "/proc/sys/net/ipv4/ip_forward";
            previous = (await File.ReadAllTextAsync(sysctl, cancellationToken).ConfigureAwait(false)).Trim();
        }

        await CommandRunner.RunAsync("nft", ["-f", "-"], cancellationToken, Rules(settings)).ConfigureAwait(false);
        var firewall = new ProviderFirewall(settings, logger, sysctl, previous);
        if (sysctl is not null)
        {
            try
            {
                await File.WriteAllTextAsync(sysctl, "1", cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await firewall.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        logger.LogInformation("nftables table inet {Table}: {Mode}", settings.TableName,
            !settings.Forward ? "forwarding off (nothing forwarded from or to the tunnels)"
            : $"forwarding on for {settings.Pool}{(settings.Masquerade ? " with masquerade" : string.Empty)}{(settings.Uplink is null ? string.Empty : $", out of {settings.Uplink} only")}");
        return firewall;
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

        if (_sysctl is not null)
        {
            try
            {
                await File.WriteAllTextAsync(_sysctl, _previousSysctl, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _logger.LogWarning("cleanup step failed: restoring {Sysctl}: {Message}", _sysctl, e.Message);
            }
        }
    }

    internal static string Rules(ProviderFirewallSettings s)
    {
        var tunnel = $"iifname \"{s.DevicePrefix}*\"";
        var toTunnel = $"oifname \"{s.DevicePrefix}*\"";
        var family = s.Pool.IsIPv6 ? "ip6" : "ip";
        var rules = new StringBuilder();
        rules.Append(CultureInfo.InvariantCulture, $$"""
            table inet {{s.TableName}} {
              set added4 { type ipv4_addr; flags interval; auto-merge; }
              set added6 { type ipv6_addr; flags interval; auto-merge; }
              set exports4 { type ipv4_addr; flags interval; auto-merge; {{Elements(s.Exports, ipv6: false)}} }
              set exports6 { type ipv6_addr; flags interval; auto-merge; {{Elements(s.Exports, ipv6: true)}} }
              chain input {
                type filter hook input priority filter; policy accept;
                {{tunnel}} fib daddr type != local drop
                {{tunnel}} ip daddr @added4 drop
                {{tunnel}} ip6 daddr @added6 drop
              }
              chain forward {
                type filter hook forward priority filter; policy accept;
                {{tunnel}} {{toTunnel}} drop

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
            rules.Append(CultureInfo.InvariantCulture, $"    {toTunnel} {family} daddr {s.Pool} drop\n");
        }

        rules.Append("  }\n");
        if (s.Forward && s.Masquerade)
        {
            var outbound = s.Uplink is null ? string.Empty : $"oifname \"{s.Uplink}\" ";
            rules.Append(CultureInfo.InvariantCulture, $$"""
                  chain postrouting {
                    type nat hook postrouting priority srcnat; policy accept;
                    {{family}} saddr {{s.Pool}} {{outbound}}masquerade
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
