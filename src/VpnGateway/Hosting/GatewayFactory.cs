using System.Net;
using System.Numerics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Oracle.Chain.Deployment;
using Oracle.Core.Policy;
using VpnGateway.Crypto;
using VpnGateway.Diagnostics;
using VpnGateway.Providers;
using VpnGateway.Network;
using VpnGateway.Policy;
using VpnGateway.Sessions;
using VpnGateway.Transport;
using VpnGateway.Tun;
using VpnGateway.Tunnel;

namespace VpnGateway.Hosting;

/// <summary>Turns the configuration into a running server or client engine (keys, policies, directory, devices).</summary>
internal sealed class GatewayFactory(
    IOptions<GatewayConfiguration> options,
    ILoggerFactory loggerFactory,
    TimeProvider time,
    IEnumerable<ISessionObserver> observers,
    IEnumerable<IPolicyDenialSink> sinks,
    IEnumerable<IPolicyRateLimitSink> rateLimitSinks,
    GatewayMetrics metrics,
    IServiceProvider services)
{
    private readonly GatewayConfiguration _config = options.Value;

    // The one chain context of the process (section Chain), or null for a gateway without one (a pinned link without
    // metering): every chain id, address and key below comes from it.
    private readonly Oracle.Chain.ChainContext? _chain = services.GetService(typeof(Oracle.Chain.ChainContext)) as Oracle.Chain.ChainContext;

    public TunnelOptions TunnelOptions() => new()
    {
        Mtu = _config.Tunnel.Mtu,
        Suite = _config.Tunnel.Cipher.ToUpperInvariant() switch
        {
            "AES-256-GCM" => CipherSuite.Aes256Gcm,
            "CHACHA20-POLY1305" => CipherSuite.ChaCha20Poly1305,
            _ => throw new InvalidOperationException($"Tunnel:Cipher '{_config.Tunnel.Cipher}' is neither aes-256-gcm nor chacha20-poly1305"),
        },
        Timings = new TunnelTimings
        {
            RekeyAfterTime = TimeSpan.FromSeconds(_config.Tunnel.RekeyAfterSeconds),
            RejectAfterTime = TimeSpan.FromSeconds(_config.Tunnel.RekeyAfterSeconds * 1.5),
            RekeyAfterMessages = _config.Tunnel.RekeyAfterMessages,
            KeepaliveTimeout = TimeSpan.FromSeconds(_config.Tunnel.KeepaliveSeconds),
            PersistentKeepalive = TimeSpan.FromSeconds(_config.Tunnel.PersistentKeepaliveSeconds),
            SessionIdleTimeout = TimeSpan.FromSeconds(_config.Tunnel.SessionIdleSeconds),
            RekeyTimeout = TimeSpan.FromSeconds(_config.Tunnel.RekeyTimeoutSeconds),
            EndingTimeout = TimeSpan.FromSeconds(_config.Tunnel.EndingSeconds),
        },
    };

    public EngineServices Services(IReadOnlyList<IDatagramTransport> transports) => new(
        transports[0],
        new LinuxTunFactory(_config.Tunnel.Offloads),
        new LinuxNetworkConfigurator(loggerFactory.CreateLogger<LinuxNetworkConfigurator>()),
        time,
        loggerFactory,
        new CompositeDenialSink([metrics, .. sinks]),
        [.. observers],
        new CompositeRateLimitSink([.. rateLimitSinks]),
        transports);

    public (GatewayServer Server, Func<CancellationToken, Task<IAsyncDisposable?>> Network) CreateServer()
    {
        var serve = _config.Serve;
        var tunnelKey = LoadTunnelKey();
        var ethereum = _chain?.Signer;
        var policies = new Dictionary<string, PolicyDocument>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in serve.Policies)
        {
            var document = LoadPolicy(file);
            policies[document.HashHex] = document;
        }

        var directory = CreateDirectory(policies, string.Equals(serve.Directory, "chain", StringComparison.OrdinalIgnoreCase));
        var pool = IpPrefix.Parse(serve.AddressPool);
        IpPrefix? pool6 = serve.AddressPool6 is { Length: > 0 } text6 ? IpPrefix.Parse(text6) : null;
        var devicePrefix = serve.InterfacePattern.Replace("%d", string.Empty, StringComparison.Ordinal);
        var networks = ProviderNetworks.Discover(serve.ProtectedNetworks, serve.ProtectConnectedNetworks, devicePrefix);
        // The whole pool, the gateway's own address included: one client never reaches another through this gateway
        // (the forwarding rules also drop tunnel-to-tunnel traffic, which covers site-to-site clients' routed LANs).
        networks.Add(pool);
        if (pool6 is { } guarded6)
        {
            networks.Add(guarded6);
        }

        // One worker per core (never per session): each has a queue of the device and a socket of the port.
        var workers = serve.Workers > 0 ? serve.Workers : Environment.ProcessorCount;
        var transports = new List<IDatagramTransport>();
        if (workers > 1)
        {
            // Sockets with SO_REUSEPORT of the same user share a port: a plain bind first finds out whether another
            // process (another gateway) holds it, which would otherwise silently take part of our clients.
            OpenTransport("Serve:Listen", serve.Listen).Dispose();
        }

        try
        {
            for (var i = 0; i < workers; i++)
            {
                transports.Add(OpenTransport("Serve:Listen", serve.Listen, reusePort: workers > 1));
            }
        }
        catch
        {
            transports.ForEach(t => t.Dispose());
            throw;
        }

        var transport = (LinuxUdpTransport)transports[0];
        var server = new GatewayServer(Services(transports), TunnelOptions(), new ServerOptions
        {
            TunnelKey = tunnelKey,
            ProviderAddress = ethereum?.GetPublicAddress() ?? FirstPinnedProvider(),
            ChainId = new BigInteger(_chain?.ChainId ?? 0),
            SessionManager = _chain?.TryAddressOf(ContractNames.SessionManager),
            AddressPool = pool,
            AddressPool6 = pool6,
            InterfacePattern = serve.InterfacePattern,
            Workers = workers,
            Policies = policies,
            ProviderNetworks = networks,
            HandshakesPerSecond = serve.HandshakesPerSecond,
            HandshakeBurst = serve.HandshakeBurst,
            MaxSessions = serve.MaxSessions,
        }, directory);
        metrics.Attach(server);
        var logger = loggerFactory.CreateLogger<GatewayFactory>();
        logger.LogInformation("serving on {Listen} (UDP GRO {Gro}, {Workers} workers), tunnel key {Key}, pool {Pool}{Pool6}, {Policies} policies, protecting {Networks}",
            transport.LocalEndpoint, transport.Gro, workers, Convert.ToBase64String(tunnelKey.PublicKey), pool, pool6 is { } p6 ? $" and {p6}" : string.Empty,
            policies.Count, string.Join(", ", networks));
        return (server, async ct =>
        {
            // The kernel's line behind the policy guard, on every provider (forwarding or not): no broadcast or multicast
            // from the tunnels to this host, no new connections towards clients' tunnel addresses, and networks that
            // appear while sessions run closed at once (docs/gateway.md, Policy).
            var firewall = await ProviderFirewall.InstallAsync(new ProviderFirewallSettings
            {
                TableName = $"oracle_gw_{Environment.ProcessId}",
                Pool = pool,
                Pool6 = pool6,
                DevicePrefix = devicePrefix,
                Forward = serve.Exit.Enabled,
                Masquerade = serve.Exit.Masquerade,
                Uplink = serve.Exit.Uplink,
                Exports = [.. policies.Values.SelectMany(p => p.Exports).Distinct()],
            }, loggerFactory.CreateLogger<ProviderFirewall>(), ct).ConfigureAwait(false);
            server.SessionFirewall = firewall;
            try
            {
                var monitor = await ProtectedNetworkMonitor.StartAsync(networks,
                    () => ProviderNetworks.Discover(serve.ProtectedNetworks, serve.ProtectConnectedNetworks, devicePrefix),
                    firewall, server, loggerFactory.CreateLogger<ProtectedNetworkMonitor>(), ct).ConfigureAwait(false);
                return new Teardown(monitor, firewall);
            }
            catch
            {
                await firewall.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        });
    }

    /// <summary>Turns on forwarding for a site-to-site client (Connect:Forward); null when off.</summary>
    public async Task<IAsyncDisposable?> EnableClientForwardingAsync(CancellationToken cancellationToken)
    {
        if (!_config.Connect.Forward)
        {
            return null;
        }

        var prefix = _config.Connect.InterfacePattern.Replace("%d", string.Empty, StringComparison.Ordinal);
        return await new LinuxNetworkConfigurator(loggerFactory.CreateLogger<LinuxNetworkConfigurator>())
            .EnableForwardingAsync($"oracle_gw_{Environment.ProcessId}", IpPrefix.AnyIPv4, prefix, null, masquerade: false, cancellationToken,
                alsoIPv6: _config.Connect.Routes.Exists(r => IpPrefix.TryParse(r, out var route, out _) && route.IsIPv6)).ConfigureAwait(false);
    }

    public async Task<GatewayClient> CreateClientAsync(CancellationToken cancellationToken)
    {
        var connect = _config.Connect;
        if (connect.SessionId == 0 && connect.Deposit is not null)
        {
            // One command to get online: open the session on-chain first (Connect:Deposit), then carry it.
            connect.SessionId = await ClientSessionOpener.OpenAsync(connect, _chain, services.GetService(typeof(Oracle.Chain.Transactions.ITransactionSender)) as Oracle.Chain.Transactions.ITransactionSender,
                loggerFactory.CreateLogger<ClientSessionOpener>(), cancellationToken).ConfigureAwait(false);
        }

        var tunnelKey = LoadTunnelKey();
        var ethereum = _chain?.Signer;
        byte[]? providerKey = connect.ProviderKey is null ? null : TunnelKeyFile.ParsePublicKey(connect.ProviderKey);
        var endpoint = connect.Endpoint;
        if (providerKey is null || endpoint is null)
        {
            if (connect.Provider is null)
            {
                throw new InvalidOperationException("Connect:ProviderKey and Connect:Endpoint, or Connect:Provider (looked up in the directory), must be set");
            }

            var directory = CreateDirectory(new Dictionary<string, PolicyDocument>(), onChain: _chain?.IsOnline == true);
            var lookup = await directory.GetProviderAsync(connect.Provider, cancellationToken).ConfigureAwait(false);
            if (lookup.Status != LookupStatus.Found)
            {
                throw new InvalidOperationException($"provider {connect.Provider}: {lookup.Status} ({lookup.Detail})");
            }

            if (!lookup.Value!.Active)
            {
                throw new InvalidOperationException($"provider {connect.Provider} is registered but not active (it is unbonding): it takes no new sessions");
            }

            // The session must be with this provider: its checkpoints are what the client pays for.
            var session = await directory.GetSessionAsync(connect.SessionId, cancellationToken).ConfigureAwait(false);
            if (session.Status == LookupStatus.Found && session.Value!.Provider is { Length: > 0 } sessionProvider
                && !string.Equals(sessionProvider, lookup.Value.Address, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"session {connect.SessionId} is with provider {sessionProvider}, not {connect.Provider}");
            }

            providerKey ??= lookup.Value!.TunnelKey;
            endpoint ??= lookup.Value!.Endpoint ?? throw new InvalidOperationException($"provider {connect.Provider} publishes no endpoint; set Connect:Endpoint");
        }

        ITunnelAuthorizationSource? authorization = null;
        if (_chain is { Signer: { } key } chain)
        {
            var sessionManager = chain.TryAddressOf(ContractNames.SessionManager)
                ?? throw new InvalidOperationException("the TunnelAuthorization is signed under the SessionManager's domain: set Chain:Manifest or Chain:Contracts:SessionManager");
            authorization = new EthereumAuthorizationSource(key, new BigInteger(chain.ChainId), sessionManager, time,
                TimeSpan.FromHours(connect.AuthorizationLifetimeHours));
        }

        var providerEndpoint = await ResolveAsync(endpoint, cancellationToken).ConfigureAwait(false);
        var ipv6 = providerEndpoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && !providerEndpoint.Address.IsIPv4MappedToIPv6;
        if (UnderlayMtu.ToPeer(providerEndpoint) is { } path && _config.Tunnel.Mtu + UnderlayMtu.Overhead(ipv6) > path)
        {
            throw new GatewayConfigurationException($"Tunnel:Mtu {_config.Tunnel.Mtu} does not fit the path to the provider {providerEndpoint}: it carries {path} bytes, "
                + $"minus {UnderlayMtu.Overhead(ipv6)} of {(ipv6 ? "IPv6" : "IPv4")}, UDP and tunnel headers leaves at most {path - UnderlayMtu.Overhead(ipv6)}");
        }

        var transport = OpenTransport("Connect:Listen", connect.Listen);
        var client = new GatewayClient(Services([transport]), TunnelOptions(), new ClientOptions
        {
            TunnelKey = tunnelKey,
            ProviderKey = providerKey,
            ProviderEndpoint = providerEndpoint,
            SessionId = connect.SessionId,
            Authorization = authorization,
            ClientAddress = ethereum?.GetPublicAddress(),
            Routes = [.. connect.EffectiveRoutes.Select(IpPrefix.Parse)],
            RouteEverything = connect.Routes.Count == 0,
            InterfacePattern = connect.InterfacePattern,
            ConnectAttempts = connect.ConnectAttempts,
            LocalNetworks = ProviderNetworks.Local(connect.InterfacePattern.Replace("%d", string.Empty, StringComparison.Ordinal)),
        });
        metrics.Attach(client);
        return client;
    }

    private IProviderDirectory CreateDirectory(Dictionary<string, PolicyDocument> policies, bool onChain)
    {
        if (services.GetService(typeof(IProviderDirectory)) is IProviderDirectory registered)
        {
            return registered;
        }

        if (onChain)
        {
            var chain = _chain ?? throw new InvalidOperationException("the on-chain directory needs section Chain: set Chain:RpcUrl and Chain:Manifest");
            chain.RequireOnline("the on-chain directory reads providers and sessions");
            return new ChainProviderDirectory(chain.Web3, chain.AddressOf(ContractNames.ProviderRegistry), chain.AddressOf(ContractNames.SessionManager), time,
                fromBlock: chain.DeploymentBlock(ContractNames.SessionManager), maxLogRange: chain.MaxLogRange);
        }

        var providers = _config.Directory.Providers.Select(p => new ProviderRecord(p.Address, TunnelKeyFile.ParsePublicKey(p.TunnelKey), p.Endpoint, true));
        var sessions = new List<SessionRecord>();
        foreach (var s in _config.Directory.Sessions)
        {
            byte[] hash;
            if (s.Policy is not null)
            {
                var document = LoadPolicy(s.Policy);
                policies[document.HashHex] = document;
                hash = document.Hash.ToArray();
            }
            else
            {
                hash = s.PolicyHash is not null ? Convert.FromHexString(s.PolicyHash.Replace("0x", string.Empty, StringComparison.OrdinalIgnoreCase))
                    : throw new InvalidOperationException($"pinned session {s.Id} needs Policy (a file) or PolicyHash");
            }

            sessions.Add(new SessionRecord(s.Id, s.Client, s.Provider, hash, s.Open,
                s.TunnelKey is null ? null : TunnelKeyFile.ParsePublicKey(s.TunnelKey),
                [.. s.Routes.Select(IpPrefix.Parse)],
                s.Address is null ? null : IPAddress.Parse(s.Address),
                s.Renew.ToLowerInvariant() switch
                {
                    "always" => SessionRenewal.Always,
                    "never" => SessionRenewal.None,
                    _ => SessionRenewal.Settled,
                }));
        }

        return new PinnedProviderDirectory(providers, sessions);
    }

    private string? FirstPinnedProvider() => _config.Directory.Sessions.Select(s => s.Provider).FirstOrDefault(p => p is not null);

    private TunnelKeyPair LoadTunnelKey()
        => TunnelKeyFile.Load(_config.Keys.TunnelKeystore ?? throw new InvalidOperationException("Keys:TunnelKeystore is not set"), _config.Keys.PasswordFile);

    private static LinuxUdpTransport OpenTransport(string key, string listen, bool reusePort = false)
    {
        try
        {
            return LinuxUdpTransport.Open(IPEndPoint.Parse(listen), reusePort: reusePort);
        }
        catch (Native.NativeException e)
        {
            throw new GatewayConfigurationException($"{key} {listen}: {e.Message} (another gateway on this port?)", e);
        }
    }

    private static PolicyDocument LoadPolicy(string file)
    {
        if (!PolicyDocument.TryParse(File.ReadAllBytes(file), out var document, out var error))
        {
            throw new InvalidOperationException($"policy {file}: {error}");
        }

        return document;
    }

    private static async Task<IPEndPoint> ResolveAsync(string endpoint, CancellationToken cancellationToken)
    {
        if (IPEndPoint.TryParse(endpoint, out var parsed) && parsed.Port != 0)
        {
            return parsed;
        }

        var colon = endpoint.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(endpoint[(colon + 1)..], out var port))
        {
            throw new InvalidOperationException($"endpoint '{endpoint}' is not host:port");
        }

        var addresses = await Dns.GetHostAddressesAsync(endpoint[..colon], cancellationToken).ConfigureAwait(false);
        return new IPEndPoint(addresses[0], port);
    }

    /// <summary>Disposes its parts in order.</summary>
    private sealed class Teardown(params IAsyncDisposable[] parts) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (var part in parts)
            {
                await part.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
