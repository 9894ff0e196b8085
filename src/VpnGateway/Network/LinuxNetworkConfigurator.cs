using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Oracle.Core.Policy;

namespace VpnGateway.Network;

/// <summary>
/// iproute2 and nftables: point-to-point addresses and routes on the TUN devices (they vanish with the device),
/// an endpoint host route for a client that routes everything into the tunnel, and an nftables table of its own for
/// forwarding and masquerade on the provider (deleted on shutdown, with the forwarding sysctl restored).
/// </summary>
internal sealed partial class LinuxNetworkConfigurator(ILogger<LinuxNetworkConfigurator> logger) : INetworkConfigurator
{
    public Task AddAddressAsync(string device, IPAddress local, IPAddress peer, CancellationToken cancellationToken)
    {
        // The device came up without IPv6 (LinuxTunDevice.Create): an IPv4-only tunnel sends no router solicitations.
        var isIPv6 = local.AddressFamily == AddressFamily.InterNetworkV6;
        var bits = isIPv6 ? "128" : "32";
        return CommandRunner.RunAsync("ip", ["address", "add", $"{local}/{bits}", "peer", $"{peer}/{bits}", "dev", device], cancellationToken);
    }

    public Task AddPrefixAddressAsync(string device, IPAddress address, int prefixLength, CancellationToken cancellationToken)
    {
        // nodad: a point-to-point device has no neighbours to detect duplicates with (and no link-local address).
        var isIPv6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        List<string> arguments = [isIPv6 ? "-6" : "-4", "address", "add", $"{address}/{prefixLength.ToString(CultureInfo.InvariantCulture)}", "dev", device];
        if (isIPv6)
        {
            arguments.Add("nodad");
        }

        return CommandRunner.RunAsync("ip", arguments, cancellationToken);
    }

    public Task AddRouteAsync(string device, IpPrefix prefix, CancellationToken cancellationToken)
        => CommandRunner.RunAsync("ip", [prefix.IsIPv6 ? "-6" : "-4", "route", "replace", prefix.ToString(), "dev", device], cancellationToken);

    public async Task RemoveRouteAsync(string device, IpPrefix prefix, CancellationToken cancellationToken)
    {
        try
        {
            await CommandRunner.RunAsync("ip", [prefix.IsIPv6 ? "-6" : "-4", "route", "del", prefix.ToString(), "dev", device], cancellationToken).ConfigureAwait(false);
        }
        catch (NetworkConfigurationException e) when (e.Message.Contains("No such process", StringComparison.Ordinal))
        {
            // Gone already (the device went, or someone removed it).
        }
    }

    public async Task<IAsyncDisposable> PinEndpointRouteAsync(IPAddress endpoint, CancellationToken cancellationToken)
    {
        var route = await CommandRunner.RunAsync("ip", ["route", "get", endpoint.ToString()], cancellationToken).ConfigureAwait(false);
        var via = ViaPattern().Match(route);
        var dev = DevPattern().Match(route);
        if (!dev.Success)
        {
            throw new NetworkConfigurationException($"no route to the provider {endpoint}: {route.Trim()}");
        }

        var bits = endpoint.AddressFamily == AddressFamily.InterNetworkV6 ? "128" : "32";
        List<string> arguments = ["route", "replace", $"{endpoint}/{bits}"];
        if (via.Success)
        {
            arguments.AddRange(["via", via.Groups[1].Value]);
        }

        arguments.AddRange(["dev", dev.Groups[1].Value]);
        await CommandRunner.RunAsync("ip", arguments, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("pinned the route to the provider {Endpoint} to {Device}", endpoint, dev.Groups[1].Value);
        return new Undo(async () =>
        {
            await CommandRunner.RunAsync("ip", ["route", "del", $"{endpoint}/{bits}"], CancellationToken.None).ConfigureAwait(false);
        }, logger);
    }

    public async Task<IAsyncDisposable> EnableForwardingAsync(string tableName, IpPrefix pool, string devicePrefix, string? uplink, bool masquerade, CancellationToken cancellationToken,
        bool alsoIPv6 = false)
    {
        var sysctls = new List<string> { pool.IsIPv6 ? "/proc/sys/net/ipv6/conf/all/forwarding" : "/proc/sys/net/ipv4/ip_forward" };
        if (alsoIPv6 && !pool.IsIPv6)
        {
            sysctls.Add("/proc/sys/net/ipv6/conf/all/forwarding");
        }

        var previous = new List<(string Path, string Value)>();
        foreach (var sysctl in sysctls)
        {
            previous.Add((sysctl, (await File.ReadAllTextAsync(sysctl, cancellationToken).ConfigureAwait(false)).Trim()));
            await File.WriteAllTextAsync(sysctl, "1", cancellationToken).ConfigureAwait(false);
        }

        var family = pool.IsIPv6 ? "ip6" : "ip";
        var outbound = uplink is null ? string.Empty : $"oifname \"{uplink}\" ";
        var rules = string.Create(CultureInfo.InvariantCulture, $$"""
            table inet {{tableName}} {
              chain forward {
                type filter hook forward priority filter; policy accept;
                iifname "{{devicePrefix}}*" oifname "{{devicePrefix}}*" drop
                iifname "{{devicePrefix}}*" accept
                oifname "{{devicePrefix}}*" ct state established,related accept
              }
            {{(masquerade ? $$"""
              chain postrouting {
                type nat hook postrouting priority srcnat; policy accept;
                {{family}} saddr {{pool}} {{outbound}}masquerade
              }
            """ : string.Empty)}}
            }
            """);
        await CommandRunner.RunAsync("nft", ["-f", "-"], cancellationToken, rules).ConfigureAwait(false);
        logger.LogInformation("forwarding on{Nat} for {Pool} (nftables table inet {Table})", masquerade ? " with masquerade" : string.Empty, pool, tableName);
        return new Undo(async () =>
        {
            await CommandRunner.RunAsync("nft", ["delete", "table", "inet", tableName], CancellationToken.None).ConfigureAwait(false);
            foreach (var (sysctl, value) in previous)
            {
                await File.WriteAllTextAsync(sysctl, value, CancellationToken.None).ConfigureAwait(false);
            }
        }, logger);
    }

    [GeneratedRegex(@"\bvia\s+(\S+)")]
    private static partial Regex ViaPattern();

    [GeneratedRegex(@"\bdev\s+(\S+)")]
    private static partial Regex DevPattern();

    private sealed class Undo(Func<Task> action, ILogger logger) : IAsyncDisposable
    {
        private int _done;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _done, 1) != 0)
            {
                return;
            }

            try
            {
                await action().ConfigureAwait(false);
            }
            catch (Exception e) when (e is NetworkConfigurationException or IOException or UnauthorizedAccessException)
            {
                logger.LogWarning("cleanup step failed: {Message}", e.Message);
            }
        }
    }
}
