using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Nethereum.Web3;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.PriceFeed;
using Oracle.Chain.Contracts.ProviderRegistry;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Chain.Contracts.TokenExchange;
using Oracle.Chain.Contracts.VpnToken;
using Oracle.Chain.Deployment;
using Oracle.Core.Policy;

namespace Oracle.Devnet.Runtime;

/// <summary>
/// Makes the devnet's provider a real one: a tunnel key in a keystore, the exit policy file, VPN tokens bought at the
/// exchange for the bond, and a ProviderRegistry registration (endpoint, tunnel key, region, price, policy hash), so a
/// client can find it on-chain exactly as on a real network. Then writes the gateway's configuration file: it runs in
/// its own network namespace (<see cref="ExitNetwork"/>) with its exit on, and reaches the chain and the broker through
/// the <see cref="NetworkHelper"/>'s relays. For the devnet's client it opens sessions and writes ready client
/// configurations.
/// </summary>
internal static class GatewayProvisioning
{
    /// <summary>The bond the devnet provider posts (VPN, 18 decimals): the network's minimum.</summary>
    private static readonly BigInteger Bond = 500 * BigInteger.Pow(10, 18);

    /// <summary>The devnet provider's price per MiB: 0.001 VPN.</summary>
    private static readonly BigInteger PricePerMiB = BigInteger.Pow(10, 15);

    /// <summary>The UDP port the provider listens on inside its namespace (which nothing else uses).</summary>
    public const int UdpPort = 51820;

    /// <summary>The provider's metrics port, on its underlay address.</summary>
    public const int MetricsPort = 9580;

    /// <summary>The web server's port in the devnet's internet.</summary>
    public const int WebPort = 80;

    /// <summary>The deposit of a devnet client's session: 5 VPN.</summary>
    private static readonly BigInteger Deposit = 5 * BigInteger.Pow(10, 18);

    /// <summary>
    /// Everything the gateway process needs, written into <paramref name="folder"/>: its configuration uses
    /// <paramref name="rpcUrl"/> and <paramref name="busUrl"/>, the chain and the broker as the provider's namespace
    /// reaches them (relays).
    /// </summary>
    /// <returns>The configuration file's path.</returns>
    public static async Task<string> ProvisionAsync(
        RepositoryLayout repository, string folder, ExitNetwork network, string rpcUrl, string busUrl, IWeb3 provider, DeploymentManifest manifest,
        string manifestPath, string ethereumKeystore, string passwordFile, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var tunnelKey = await TunnelKeyAsync(repository, Path.Combine(folder, "tunnel.json"), passwordFile, cancellationToken);

        // The policy the provider enforces and registers by hash.
        var policyFile = Path.Combine(folder, "exit-policy.json");
        await using (var embedded = typeof(GatewayProvisioning).Assembly.GetManifestResourceStream("Oracle.Devnet.Policies.exit-policy.json")!)
        await using (var file = File.Create(policyFile))
        {
            await embedded.CopyToAsync(file, cancellationToken);
        }

        if (!PolicyDocument.TryParse(File.ReadAllBytes(policyFile), out var policy, out var policyError))
        {
            throw new LocalServiceException($"the devnet exit policy is invalid: {policyError}");
        }

        var endpoint = $"{network.ProviderAddress}:{UdpPort.ToString(CultureInfo.InvariantCulture)}";
        progress?.Report("registering the devnet provider on-chain (buying its bond at the exchange)");
        await BuyAsync(provider, manifest, Bond, cancellationToken);
        await new VpnTokenService(provider, manifest.AddressOf(ContractNames.VpnToken)).ApproveAsync(manifest.AddressOf(ContractNames.ProviderRegistry), Bond, cancellationToken);
        var region = new byte[8];
        "DEV"u8.CopyTo(region);
        await new ProviderRegistryService(provider, manifest.AddressOf(ContractNames.ProviderRegistry)).RegisterAsync(new ProviderInfo
        {
            Endpoint = endpoint,
            TunnelPublicKey = tunnelKey,
            Region = region,
            PricePerMiB = PricePerMiB,
            PolicyHash = policy.Hash.ToArray(),
            PolicyUri = new Uri(policyFile).AbsoluteUri,
        }, Bond, cancellationToken);

        // Its own namespace, so the exit is real (forwarding and masquerade) and still touches nothing of the host's: the
        // sysctl and the nftables table are the namespace's, and the exit leads only to the devnet's internet.
        var config = new
        {
            Keys = new { TunnelKeystore = Path.Combine(folder, "tunnel.json"), PasswordFile = passwordFile },
            Chain = new { RpcUrl = rpcUrl, Manifest = manifestPath, Keystore = ethereumKeystore, PasswordFile = passwordFile },
            Serve = new
            {
                Listen = endpoint,
                AddressPool = network.Pool,
                Directory = "chain",
                Policies = new[] { policyFile },
                Exit = new { Enabled = true, Masquerade = true, Uplink = ExitNetwork.ExitDevice },
            },
            // The spool lives in the gateway's own folder (removed with the devnet); batches go to the devnet's broker and
            // stay in the spool until the evidence collector acknowledges them.
            Metering = new { SpoolPath = Path.Combine(folder, "metering-spool.db") },
            Bus = new { Url = busUrl },
            Metrics = new { Listen = $"{network.ProviderAddress}:{MetricsPort.ToString(CultureInfo.InvariantCulture)}" },
        };
        var configFile = Path.Combine(folder, "gateway.json");
        await File.WriteAllTextAsync(configFile, JsonSerializer.Serialize(config, new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
        progress?.Report($"provider {provider.TransactionManager.Account.Address} registered: endpoint {endpoint} (namespace {network.ProviderNamespace}), policy {policy.HashHex}");
        return configFile;
    }

    /// <summary>
    /// Opens a session of the devnet's client with the devnet's provider (VPN tokens bought at the exchange, the deposit
    /// approved) and writes a client configuration for it: <c>vpngateway connect --config</c> that file connects, routes
    /// the devnet's internet through the exit and pays with vouchers.
    /// </summary>
    /// <returns>The session id and the configuration file.</returns>
    public static async Task<(ulong SessionId, string ConfigFile)> OpenClientSessionAsync(
        RepositoryLayout repository, string folder, ExitNetwork network, string rpcUrl, IWeb3 client, string providerAddress, DeploymentManifest manifest,
        string manifestPath, string clientKeystore, string passwordFile, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var tunnelKeystore = Path.Combine(folder, "client-tunnel.json");
        if (!File.Exists(tunnelKeystore))
        {
            await TunnelKeyAsync(repository, tunnelKeystore, passwordFile, cancellationToken);
        }

        var registry = new ProviderRegistryService(client, manifest.AddressOf(ContractNames.ProviderRegistry));
        var registered = (await registry.GetProviderQueryAsync(providerAddress, null, cancellationToken)).P.Info;
        await BuyAsync(client, manifest, Deposit, cancellationToken);
        var sessionManager = manifest.AddressOf(ContractNames.SessionManager);
        await new VpnTokenService(client, manifest.AddressOf(ContractNames.VpnToken)).ApproveAsync(sessionManager, Deposit, cancellationToken);
        var sessions = new SessionManagerService(client, sessionManager);
        await sessions.OpenSessionAsync(new OpenParams
        {
            Provider = providerAddress,
            Deposit = Deposit,
            PricePerMiB = registered.PricePerMiB,
            PolicyHash = registered.PolicyHash,
            Penalty = 0,
            CommitteeSize = 3,
        }, cancellationToken);
        var sessionId = await sessions.NextSessionIdQueryAsync(null, cancellationToken) - 1;

        var id = sessionId.ToString(CultureInfo.InvariantCulture);
        var config = new
        {
            Keys = new { TunnelKeystore = tunnelKeystore, PasswordFile = passwordFile },
            Chain = new { RpcUrl = rpcUrl, Manifest = manifestPath, Keystore = clientKeystore, PasswordFile = passwordFile },
            // Only the devnet's internet goes into the tunnel: the rest of this host's traffic stays where it is.
            Connect = new { Provider = providerAddress, SessionId = sessionId, Routes = new[] { network.InternetPrefix } },
            Metering = new { SpoolPath = Path.Combine(folder, $"client-{id}-spool.db") },
            Metrics = new { Listen = $"127.0.0.1:{PortAllocator.Allocate(9581).ToString(CultureInfo.InvariantCulture)}" },
        };
        var configFile = Path.Combine(folder, $"client-{id}.json");
        await File.WriteAllTextAsync(configFile, JsonSerializer.Serialize(config, new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
        return (sessionId, configFile);
    }

    // A tunnel key made by the gateway's own keygen (X25519, keystore file); returns the public key.
    private static async Task<byte[]> TunnelKeyAsync(RepositoryLayout repository, string keystore, string passwordFile, CancellationToken cancellationToken)
    {
        var gateway = repository.ServiceAssembly("VpnGateway", "vpngateway")
            ?? throw new LocalServiceException("VpnGateway is not built: run `dotnet build Oracle.sln` (./oracle does it for you)");
        var keygen = await ProcessRunner.RunAsync("dotnet", [gateway, "keygen", "--out", keystore, "--password-file", passwordFile, "--light"], cancellationToken);
        var hex = keygen.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Single(l => l.StartsWith("0x", StringComparison.Ordinal));
        return Convert.FromHexString(hex[2..]);
    }

    /// <summary>
    /// Buys the devnet collector the EvidenceRegistry's minimum bond in VPN at the exchange (with its ETH), unless it holds
    /// it already: the collector registers with it at start and then anchors its log (docs/collector.md).
    /// </summary>
    public static async Task FundCollectorBondAsync(IWeb3 collector, DeploymentManifest manifest, CancellationToken cancellationToken)
    {
        var bond = await new Oracle.Chain.Contracts.EvidenceRegistry.EvidenceRegistryService(collector, manifest.AddressOf(ContractNames.EvidenceRegistry)).MinBondQueryAsync(null, cancellationToken);
        var held = await new VpnTokenService(collector, manifest.AddressOf(ContractNames.VpnToken)).BalanceOfQueryAsync(collector.TransactionManager.Account.Address, null, cancellationToken);
        if (held < bond)
        {
            await BuyAsync(collector, manifest, bond - held, cancellationToken);
        }
    }

    internal static async Task BuyAsync(IWeb3 buyer, DeploymentManifest manifest, BigInteger amount, CancellationToken cancellationToken)
    {
        var feed = new PriceFeedService(buyer, manifest.AddressOf(ContractNames.PriceFeedVpnEth));
        var exchange = new TokenExchangeService(buyer, manifest.AddressOf(ContractNames.TokenExchange));
        var price = (await feed.LatestRoundDataQueryAsync(null, cancellationToken)).Answer;
        var feeBps = await exchange.FeeBpsQueryAsync(null, cancellationToken);
        // wei = amount × price / 1e18, grossed up by the fee, plus a margin for rounding; minOut protects the rest.
        var wei = (amount * price / BigInteger.Pow(10, 18)) * 10_000 / (10_000 - feeBps) + 1_000_000;
        await exchange.BuyWithEthAsync(amount, wei, cancellationToken);
    }
}
