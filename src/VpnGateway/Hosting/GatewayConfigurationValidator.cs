using Oracle.Actions.Units;
using System.Globalization;
using System.Net;
using Oracle.Core.Policy;
using VpnGateway.Sessions;

namespace VpnGateway.Hosting;

/// <summary>
/// Checks the values of a bound configuration before the gateway touches anything (devices, firewall, chain): each
/// problem one line naming the key. What needs the chain, a keystore password or the network (a provider's key on-chain,
/// a wrong password, an unreachable endpoint) is found when the gateway starts and logged the same way; section
/// <c>Chain</c> is checked by the chain context.
/// </summary>
internal static class GatewayConfigurationValidator
{
    /// <param name="config">The bound configuration.</param>
    /// <param name="role">Provider (serve) or client (connect).</param>
    public static IReadOnlyList<string> Validate(GatewayConfiguration config, GatewayRole role)
    {
        ArgumentNullException.ThrowIfNull(config);
        var errors = new List<string>();
        Tunnel(config.Tunnel, role, config, errors);
        if (config.Keys.TunnelKeystore is null)
        {
            errors.Add("Keys:TunnelKeystore is not set: the tunnel key's keystore file ('vpngateway keygen --out FILE' makes one)");
        }

        Files(errors, ("Keys:TunnelKeystore", config.Keys.TunnelKeystore), ("Keys:PasswordFile", config.Keys.PasswordFile));
        if (config.Metrics.Listen is { Length: > 0 } metricsListen && !IPEndPoint.TryParse(metricsListen, out _))
        {
            errors.Add($"Metrics:Listen '{metricsListen}' is not address:port (for example 127.0.0.1:9580; empty turns the endpoint off)");
        }

        if (role == GatewayRole.Provider)
        {
            Serve(config, errors);
        }
        else
        {
            Connect(config.Connect, errors);
        }

        Directory(config, role, errors);
        return errors;
    }

    private static void Tunnel(TunnelSettings tunnel, GatewayRole role, GatewayConfiguration config, List<string> errors)
    {
        if (tunnel.Cipher.ToUpperInvariant() is not ("AES-256-GCM" or "CHACHA20-POLY1305"))
        {
            errors.Add($"Tunnel:Cipher '{tunnel.Cipher}' is neither aes-256-gcm nor chacha20-poly1305");
        }

        foreach (var (key, value) in new[] { ("RekeyAfterSeconds", tunnel.RekeyAfterSeconds), ("KeepaliveSeconds", tunnel.KeepaliveSeconds),
            ("SessionIdleSeconds", tunnel.SessionIdleSeconds), ("RekeyTimeoutSeconds", tunnel.RekeyTimeoutSeconds) })
        {
            if (value <= 0)
            {
                errors.Add($"Tunnel:{key} is {value}: it must be at least 1");
            }
        }

        if (tunnel.PersistentKeepaliveSeconds < 0 || tunnel.EndingSeconds < 0)
        {
            errors.Add("Tunnel:PersistentKeepaliveSeconds and Tunnel:EndingSeconds may not be negative");
        }

        if (tunnel.Mtu < UnderlayMtu.MinimumTunnelMtu)
        {
            errors.Add($"Tunnel:Mtu {tunnel.Mtu} is below {UnderlayMtu.MinimumTunnelMtu}, the smallest datagram every IPv4 host accepts");
            return;
        }

        // A provider checks its MTU against the interfaces it listens on; a client against its path to the provider,
        // when it connects (the provider's response then carries the session's MTU, which must fit the client too).
        if (role == GatewayRole.Provider && IPEndPoint.TryParse(config.Serve.Listen, out var listen))
        {
            var ipv6 = listen.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && !listen.Address.IsIPv4MappedToIPv6;
            var prefix = config.Serve.InterfacePattern.Replace("%d", string.Empty, StringComparison.Ordinal);
            if (UnderlayMtu.OfListenAddress(listen.Address, prefix) is { } underlay && tunnel.Mtu + UnderlayMtu.Overhead(ipv6) > underlay)
            {
                errors.Add($"Tunnel:Mtu {tunnel.Mtu} does not fit the underlay: the interfaces of Serve:Listen {config.Serve.Listen} carry {underlay} bytes, "
                    + $"minus {UnderlayMtu.Overhead(ipv6)} of {(ipv6 ? "IPv6" : "IPv4")}, UDP and tunnel headers leaves at most {underlay - UnderlayMtu.Overhead(ipv6)}");
            }
        }
    }

    private static void Serve(GatewayConfiguration config, List<string> errors)
    {
        var serve = config.Serve;
        if (!IPEndPoint.TryParse(serve.Listen, out var listen) || listen.Port == 0)
        {
            errors.Add($"Serve:Listen '{serve.Listen}' is not address:port (for example 0.0.0.0:51820)");
        }

        if (!IpPrefix.TryParse(serve.AddressPool, out var pool, out var poolError))
        {
            errors.Add($"Serve:AddressPool: {poolError}");
        }
        else if (pool.IsIPv6 || pool.Length > 30)
        {
            errors.Add($"Serve:AddressPool {serve.AddressPool}: an IPv4 prefix of at most /30 (the gateway takes the first host)");
        }

        if (serve.AddressPool6 is { Length: > 0 } text6)
        {
            if (!IpPrefix.TryParse(text6, out var pool6, out var pool6Error))
            {
                errors.Add($"Serve:AddressPool6: {pool6Error}");
            }
            else if (!pool6.IsIPv6)
            {
                errors.Add($"Serve:AddressPool6 {text6}: an IPv6 prefix (the IPv4 pool is Serve:AddressPool)");
            }
            else if (pool is { IsIPv6: false, Length: <= 30 } && 128 - pool6.Length < 32 - pool.Length)
            {
                errors.Add($"Serve:AddressPool6 {text6} is smaller than Serve:AddressPool {serve.AddressPool}: a session's IPv6 address has its IPv4 address's host number, so /{96 + pool.Length} or larger");
            }
            else if (!IsUnicast6(pool6))
            {
                errors.Add($"Serve:AddressPool6 {text6}: a global unicast or unique local (fc00::/7) prefix, not a loopback, link-local, multicast or IPv4-mapped one");
            }
            else if (config.Tunnel.Mtu < VpnGateway.Tunnel.TunnelOptions.MinimumIPv6Mtu)
            {
                errors.Add($"Serve:AddressPool6 {text6} with Tunnel:Mtu {config.Tunnel.Mtu}: IPv6 needs a link MTU of at least {VpnGateway.Tunnel.TunnelOptions.MinimumIPv6Mtu}; raise Tunnel:Mtu or remove Serve:AddressPool6");
            }
        }

        if (serve.Workers < 0 || serve.Workers > 64)
        {
            errors.Add($"Serve:Workers {serve.Workers}: 0 (one per core) to 64");
        }

        Pattern("Serve:InterfacePattern", serve.InterfacePattern, errors);

        Prefixes("Serve:ProtectedNetworks", serve.ProtectedNetworks, errors);
        for (var i = 0; i < serve.Policies.Count; i++)
        {
            Policy($"Serve:Policies:{i}", serve.Policies[i], errors);
        }

        if (serve.Directory.ToLowerInvariant() is not ("pinned" or "chain"))
        {
            errors.Add($"Serve:Directory '{serve.Directory}' is neither pinned nor chain");
        }
        else if (string.Equals(serve.Directory, "chain", StringComparison.OrdinalIgnoreCase) && serve.Policies.Count == 0)
        {
            errors.Add("Serve:Policies is empty: with Serve:Directory=chain the gateway serves only sessions whose policy hash names one of these files");
        }

        if (serve.Exit.Uplink is { } uplink && !System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces().Any(n => n.Name == uplink))
        {
            errors.Add($"Serve:Exit:Uplink '{uplink}': no such interface on this host");
        }

        if (serve.HandshakesPerSecond <= 0 || serve.HandshakeBurst <= 0 || serve.MaxSessions <= 0)
        {
            errors.Add("Serve:HandshakesPerSecond, Serve:HandshakeBurst and Serve:MaxSessions must be positive");
        }
    }

    private static void Connect(ConnectSettings connect, List<string> errors)
    {
        if (connect.Provider is null && (connect.ProviderKey is null || connect.Endpoint is null))
        {
            errors.Add("Connect:ProviderKey and Connect:Endpoint (a pinned provider), or Connect:Provider (its Ethereum address, looked up on-chain), must be set");
        }

        Key("Connect:ProviderKey", connect.ProviderKey, errors);
        if (connect.Endpoint is { } endpoint && (endpoint.LastIndexOf(':') <= 0 || !int.TryParse(endpoint[(endpoint.LastIndexOf(':') + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is 0 or > 65535))
        {
            errors.Add($"Connect:Endpoint '{endpoint}' is not host:port (for example gateway.example.com:51820 or [2001:db8::1]:51820)");
        }

        if (connect.SessionId == 0 && connect.Deposit is null)
        {
            errors.Add("Connect:SessionId is not set: the session's id (on-chain, or the pinned one), or Connect:Deposit to open one with Connect:Provider");
        }

        if (connect.Deposit is not null)
        {
            if (connect.SessionId != 0)
            {
                errors.Add("Connect:SessionId and Connect:Deposit: give one (the session to carry, or the deposit of a session to open)");
            }

            if (connect.Provider is null)
            {
                errors.Add("Connect:Deposit opens a session with Connect:Provider (the provider's Ethereum address): set it");
            }

            if (!TokenAmount.TryParse(connect.Deposit, Asset.Vpn, out var deposit, out var depositError) || deposit.IsZero)
            {
                errors.Add($"Connect:Deposit '{connect.Deposit}': {(depositError.Length > 0 ? depositError : "must be more than zero")}");
            }

            if (connect.Penalty is not null && !TokenAmount.TryParse(connect.Penalty, Asset.Vpn, out _, out var penaltyError))
            {
                errors.Add($"Connect:Penalty '{connect.Penalty}': {penaltyError}");
            }
        }
        else if (connect.Penalty is not null || connect.CommitteeSize is not null)
        {
            errors.Add("Connect:Penalty and Connect:CommitteeSize are terms of a session the client opens: they need Connect:Deposit");
        }

        Prefixes("Connect:Routes", connect.Routes, errors);

        if (!IPEndPoint.TryParse(connect.Listen, out _))
        {
            errors.Add($"Connect:Listen '{connect.Listen}' is not address:port (0.0.0.0:0: any port)");
        }

        Pattern("Connect:InterfacePattern", connect.InterfacePattern, errors);
        if (connect.ConnectAttempts <= 0 || connect.AuthorizationLifetimeHours <= 0)
        {
            errors.Add("Connect:ConnectAttempts and Connect:AuthorizationLifetimeHours must be positive");
        }
    }

    private static void Directory(GatewayConfiguration config, GatewayRole role, List<string> errors)
    {
        for (var i = 0; i < config.Directory.Providers.Count; i++)
        {
            var provider = config.Directory.Providers[i];
            Key($"Directory:Providers:{i}:TunnelKey", provider.TunnelKey, errors);
        }

        var ids = new HashSet<ulong>();
        for (var i = 0; i < config.Directory.Sessions.Count; i++)
        {
            var session = config.Directory.Sessions[i];
            var key = $"Directory:Sessions:{i}";
            if (!ids.Add(session.Id))
            {
                errors.Add($"{key}:Id {session.Id} is pinned twice");
            }

            if (role == GatewayRole.Provider && session.Policy is null && session.PolicyHash is null)
            {
                errors.Add($"{key} (session {session.Id}) needs Policy (a policy file) or PolicyHash (of a file in Serve:Policies)");
            }

            if (session.Policy is not null)
            {
                Policy($"{key}:Policy", session.Policy, errors);
            }

            if (session.PolicyHash is { } hash && (hash.Replace("0x", string.Empty, StringComparison.OrdinalIgnoreCase) is var hex && (hex.Length != 64 || !hex.All(Uri.IsHexDigit))))
            {
                errors.Add($"{key}:PolicyHash '{hash}' is not a 32-byte hex hash");
            }

            Key($"{key}:TunnelKey", session.TunnelKey, errors);
            if (role == GatewayRole.Provider && session.TunnelKey is null && session.Client is null)
            {
                errors.Add($"{key} (session {session.Id}) needs TunnelKey (the client's pinned tunnel key) or Client (the Ethereum address that proves it)");
            }

            Prefixes($"{key}:Routes", session.Routes, errors);
            if (role == GatewayRole.Provider && config.Serve.AddressPool6 is not { Length: > 0 }
                && session.Routes.FirstOrDefault(r => IpPrefix.TryParse(r, out var p, out _) && p.IsIPv6) is { } route6)
            {
                errors.Add($"{key}:Routes: {route6} is IPv6, but the gateway carries IPv6 only with Serve:AddressPool6 set");
            }

            if (session.Renew.ToLowerInvariant() is not ("settled" or "always" or "never"))
            {
                errors.Add($"{key}:Renew '{session.Renew}' is none of settled, always, never");
            }
            else if (role == GatewayRole.Provider && !string.Equals(session.Renew, "never", StringComparison.OrdinalIgnoreCase) && session.Id > uint.MaxValue)
            {
                errors.Add($"{key}:Id {session.Id} is above 4294967295: a renewing link's successors carry their generation in the id's high 32 bits (or set Renew to never)");
            }

            if (session.Address is { } address && (!IPAddress.TryParse(address, out var parsed)
                || !IpPrefix.TryParse(config.Serve.AddressPool, out var pool, out _) || !pool.Contains(parsed)))
            {
                errors.Add($"{key}:Address '{address}' is not an address in Serve:AddressPool {config.Serve.AddressPool}");
            }
        }
    }

    private static void Files(List<string> errors, params (string Key, string? Path)[] files)
    {
        foreach (var (key, path) in files)
        {
            if (path is not null && !File.Exists(path))
            {
                errors.Add($"{key}: {path} does not exist");
            }
        }
    }

    private static void Policy(string key, string path, List<string> errors)
    {
        if (!File.Exists(path))
        {
            errors.Add($"{key}: policy file {path} does not exist");
            return;
        }

        try
        {
            if (!PolicyDocument.TryParse(File.ReadAllBytes(path), out _, out var error))
            {
                errors.Add($"{key}: policy file {path}: {error}");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add($"{key}: policy file {path} cannot be read: {e.Message}");
        }
    }

    private static void Prefixes(string key, List<string> prefixes, List<string> errors)
    {
        for (var i = 0; i < prefixes.Count; i++)
        {
            if (!IpPrefix.TryParse(prefixes[i], out _, out var error))
            {
                errors.Add($"{key}:{i}: {error} (address/length with the host bits zero)");
            }
        }
    }

    private static void Key(string key, string? value, List<string> errors)
    {
        if (value is null)
        {
            return;
        }

        try
        {
            TunnelKeyFile.ParsePublicKey(value);
        }
        catch (FormatException e)
        {
            errors.Add($"{key}: {e.Message}");
        }
    }

    // Sessions' IPv6 addresses are routed to and from the internet (exit) or a LAN: the pool lies inside global unicast
    // (2000::/3) or unique local (fc00::/7) space, whole.
    private static bool IsUnicast6(IpPrefix pool6)
    {
        var first = pool6.NetworkAddress.GetAddressBytes()[0];
        return (pool6.Length >= 3 && (first & 0xE0) == 0x20) || (pool6.Length >= 7 && (first & 0xFE) == 0xFC);
    }

    private static void Pattern(string key, string pattern, List<string> errors)
    {
        if (pattern.Replace("%d", string.Empty, StringComparison.Ordinal).Length == 0 || pattern.Replace("%d", "999", StringComparison.Ordinal).Length > 15
            || pattern.Any(c => c is '/' or ' ' or ':' or '*' or '"' || c > 126))
        {
            errors.Add($"{key} '{pattern}' is not an interface name pattern (a prefix and %d, at most 15 characters, for example ogw%d)");
        }
    }
}
