using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Nethereum.Web3;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.PriceFeed;
using Oracle.Chain.Contracts.ProviderRegistry;
using Oracle.Chain.Contracts.TokenExchange;
using Oracle.Chain.Contracts.VpnToken;
using Oracle.Chain.Deployment;
using Oracle.Core.Policy;

namespace Oracle.Devnet.Runtime;

/// <summary>
/// Makes the devnet's provider a real one: a tunnel key in a keystore, the exit policy file, VPN tokens bought at the
/// exchange for the bond, and a ProviderRegistry registration (endpoint, tunnel key, region, price, policy hash), so a
/// client can find it on-chain exactly as on a real network. Then writes the gateway's configuration file.
/// </summary>
internal static class GatewayProvisioning
{
    /// <summary>The bond the devnet provider posts (VPN, 18 decimals): the network's minimum.</summary>
    private static readonly BigInteger Bond = 500 * BigInteger.Pow(10, 18);

    /// <summary>The devnet provider's price per MiB: 0.001 VPN.</summary>
    private static readonly BigInteger PricePerMiB = BigInteger.Pow(10, 15);

    /// <summary>Everything the gateway process needs, written into <paramref name="folder"/>.</summary>
    /// <returns>The configuration file's path and the ports it uses.</returns>
    public static async Task<(string ConfigFile, int UdpPort, int MetricsPort)> ProvisionAsync(
        RepositoryLayout repository, string folder, string rpcUrl, string busUrl, IWeb3 provider, DeploymentManifest manifest,
        string manifestPath, string ethereumKeystore, string passwordFile, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var gateway = repository.ServiceAssembly("VpnGateway", "vpngateway")
            ?? throw new LocalServiceException("VpnGateway is not built: run `dotnet build Oracle.sln` (./oracle does it for you)");

        // The tunnel key, made by the gateway's own keygen (X25519, keystore file).
        var tunnelKeystore = Path.Combine(folder, "tunnel.json");
        var keygen = await ProcessRunner.RunAsync("dotnet", [gateway, "keygen", "--out", tunnelKeystore, "--password-file", passwordFile, "--light"], cancellationToken);
        var tunnelKeyHex = keygen.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Single(l => l.StartsWith("0x", StringComparison.Ordinal));
        var tunnelKey = Convert.FromHexString(tunnelKeyHex[2..]);

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

        var udpPort = PortAllocator.AllocateUdp(51820);
        var metricsPort = PortAllocator.Allocate(9580);
        var endpoint = $"127.0.0.1:{udpPort.ToString(CultureInfo.InvariantCulture)}";

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

        // Exit forwarding stays off on the devnet: it would change the host's forwarding sysctl and NAT. Sessions, the
        // policy, metering and the chain directory all work without it (the tests run exits in namespaces).
        var config = new
        {
            Keys = new { TunnelKeystore = tunnelKeystore, PasswordFile = passwordFile },
            Chain = new { RpcUrl = rpcUrl, Manifest = manifestPath, Keystore = ethereumKeystore, PasswordFile = passwordFile },
            Serve = new
            {
                Listen = endpoint,
                Directory = "chain",
                Policies = new[] { policyFile },
                Exit = new { Enabled = false },
            },
            // The spool lives in the gateway's own folder (removed with the devnet); batches go to the devnet's broker and
            // stay in the spool until the evidence collector acknowledges them.
            Metering = new { SpoolPath = Path.Combine(folder, "metering-spool.db") },
            Bus = new { Url = busUrl },
            Metrics = new { Listen = $"127.0.0.1:{metricsPort.ToString(CultureInfo.InvariantCulture)}" },
        };
        var configFile = Path.Combine(folder, "gateway.json");
        await File.WriteAllTextAsync(configFile, JsonSerializer.Serialize(config, new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
        progress?.Report($"provider {provider.TransactionManager.Account.Address} registered: endpoint {endpoint}, policy {policy.HashHex}");
        return (configFile, udpPort, metricsPort);
    }

    private static async Task BuyAsync(IWeb3 buyer, DeploymentManifest manifest, BigInteger amount, CancellationToken cancellationToken)
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
