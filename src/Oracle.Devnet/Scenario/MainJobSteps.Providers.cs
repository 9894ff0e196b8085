using System.Globalization;
using System.Text.Json;
using Oracle.Actions;
using Oracle.Actions.Exchange;
using Oracle.Actions.Providers;
using Oracle.Actions.Units;
using Oracle.Devnet.Runtime;

namespace Oracle.Devnet.Scenario;

public static partial class MainJobSteps
{
    /// <summary>The exit provider's actor name.</summary>
    public const string ExitProvider = "exit provider";

    /// <summary>The site-to-site provider's actor name.</summary>
    public const string SiteProvider = "site-to-site provider";

    /// <summary>The client paying in ETH.</summary>
    public const string Alice = "alice";

    /// <summary>The client paying in wrapped BTC.</summary>
    public const string Bob = "bob";

    private const int UdpPort = 51820;
    private const int MetricsPort = 9580;

    private static async Task FundUsersAsync(ScenarioWorld world, CancellationToken cancellationToken)
    {
        var alice = await world.NewActorAsync(Alice, eth: 10, wrappedBtc: 0, cancellationToken);
        var bob = await world.NewActorAsync(Bob, eth: 1, wrappedBtc: 0.05m, cancellationToken);
        var paidEth = await Trade(alice.Actions, new TradeOrder(TradeSide.Buy, Asset.Eth, Asset.Vpn.Parse("100", "VPN")), cancellationToken);
        world.Reporter.Detail($"alice ({alice.Address}) bought {paidEth.Received} for {paidEth.Paid}");
        var paidBtc = await Trade(bob.Actions, new TradeOrder(TradeSide.Buy, Asset.WrappedBtc, null, Asset.WrappedBtc.Parse("0.02", "wBTC")), cancellationToken);
        world.Reporter.Detail($"bob ({bob.Address}) bought {paidBtc.Received} for {paidBtc.Paid}");
    }

    private static async Task RegisterProvidersAsync(ScenarioWorld world, CancellationToken cancellationToken)
    {
        var topology = world.Topology!;
        await RegisterAsync(world, ExitProvider, "exit", topology.ExitProviderAddress, "DE", "0.001", ExitPolicy(), cancellationToken);
        await RegisterAsync(world, SiteProvider, "site-to-site", topology.SiteProviderAddress, "NL", "0.002", SitePolicy(topology), cancellationToken);
    }

    private static async Task RegisterAsync(ScenarioWorld world, string name, string folder, string address, string region, string price, string policy,
        CancellationToken cancellationToken)
    {
        var actor = await world.NewActorAsync(name, eth: 10, wrappedBtc: 0, cancellationToken);
        var directory = Path.Combine(world.Folder, folder);
        Directory.CreateDirectory(directory);
        var policyFile = Path.Combine(directory, "policy.json");
        await File.WriteAllTextAsync(policyFile, policy, cancellationToken);
        var tunnelKey = await TunnelKeyAsync(world, Path.Combine(directory, "tunnel.json"), cancellationToken);
        await Trade(actor.Actions, new TradeOrder(TradeSide.Buy, Asset.Eth, Asset.Vpn.Parse("600", "VPN")), cancellationToken);
        var registered = await ProviderActions.RegisterAsync(actor.Actions, new ProviderTerms(
            $"{address}:{UdpPort.ToString(CultureInfo.InvariantCulture)}", tunnelKey, region, Asset.Vpn.Parse(price, "price"), policyFile), null, cancellationToken);
        var provider = registered.GetValueOrThrow().Provider;
        world.Reporter.Detail($"{name} {provider.Address}: {provider.Endpoint}, {provider.Region}, {provider.PricePerMiB}/MiB, bond {provider.Bond}, policy {provider.PolicyHash}");
    }

    private static async Task StartProviderGatewaysAsync(ScenarioWorld world, CancellationToken cancellationToken)
    {
        var topology = world.Topology!;
        await StartProviderGatewayAsync(world, ExitProvider, "exit", topology.ExitProvider, topology.ExitProviderAddress, topology.ExitPool,
            new { Enabled = true, Masquerade = true, Uplink = ScenarioTopology.ExitDevice }, cancellationToken);
        await StartProviderGatewayAsync(world, SiteProvider, "site-to-site", topology.SiteProvider, topology.SiteProviderAddress, topology.SitePool,
            new { Enabled = true, Masquerade = false, Uplink = "corp" }, cancellationToken);
    }

    private static async Task StartProviderGatewayAsync(ScenarioWorld world, string name, string folder, string networkNamespace, string address, string pool,
        object exit, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(world.Folder, folder);
        var config = await world.WriteJsonAsync(Path.Combine(folder, "gateway.json"), new
        {
            Keys = new { TunnelKeystore = Path.Combine(directory, "tunnel.json"), PasswordFile = world.PasswordFile },
            Chain = new { RpcUrl = world.NamespaceRpcUrl, Manifest = world.Network.ManifestPath, Keystore = world.Actor(name).Keystore, PasswordFile = world.PasswordFile },
            Serve = new
            {
                Listen = $"{address}:{UdpPort.ToString(CultureInfo.InvariantCulture)}",
                AddressPool = pool,
                Directory = "chain",
                Policies = new[] { Path.Combine(directory, "policy.json") },
                Exit = exit,
            },
            // Short epochs and flow timeouts, so that what the scenario does is checkpointed, paid and published in seconds.
            Metering = new
            {
                SpoolPath = Path.Combine(directory, "metering-spool.db"),
                EpochInterval = "00:00:02",
                Flows = new { IdleTimeout = "00:00:02" },
            },
            Bus = new { Url = world.NamespaceAmqpUrl },
            Metrics = new { Listen = $"{address}:{MetricsPort.ToString(CultureInfo.InvariantCulture)}" },
        }, cancellationToken);
        var assembly = world.Options.Repository.ServiceAssembly("VpnGateway", "vpngateway")
            ?? throw new ScenarioStepException("VpnGateway is not built: run `dotnet build Oracle.sln`");
        var gateway = new ServiceProcess(name.Replace(' ', '-') + "-gateway", assembly, directory, new Dictionary<string, string>(), ["serve", "--config", config],
            MetricsPort, networkNamespace, address);
        await world.StartAsync(gateway, cancellationToken);
        world.Reporter.Detail($"{name}'s gateway serves at {address}:{UdpPort} in {networkNamespace} (status {gateway.Url}/status)");
    }

    private static async Task<TradeResult> Trade(ActionContext actions, TradeOrder order, CancellationToken cancellationToken)
        => (await ExchangeActions.TradeAsync(actions, order, cancellationToken)).GetValueOrThrow();

    // A tunnel key made by the gateway's own keygen (X25519, keystore file); its public key as base64.
    private static async Task<string> TunnelKeyAsync(ScenarioWorld world, string keystore, CancellationToken cancellationToken)
    {
        var gateway = world.Options.Repository.ServiceAssembly("VpnGateway", "vpngateway")
            ?? throw new ScenarioStepException("VpnGateway is not built: run `dotnet build Oracle.sln`");
        var output = await ProcessRunner.RunAsync("dotnet", [gateway, "keygen", "--out", keystore, "--password-file", world.PasswordFile, "--light"], cancellationToken);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
    }

    private static string ExitPolicy()
    {
        using var embedded = typeof(MainJobSteps).Assembly.GetManifestResourceStream("Oracle.Devnet.Policies.exit-policy.json")!;
        using var reader = new StreamReader(embedded);
        return reader.ReadToEnd();
    }

    // The company exports its LAN to the session; SMB and SMTP stay denied there too, everything else is denied.
    private static string SitePolicy(ScenarioTopology topology) => JsonSerializer.Serialize(new
    {
        version = 1,
        description = "site-to-site link to a company LAN: only the LAN, no SMB, no SMTP",
        defaultAction = "deny",
        exports = new[] { topology.CompanyLanPrefix },
        rules = new object[]
        {
            new { id = 1, action = "deny", description = "no SMB", protocol = "tcp", ports = new[] { "445", "139" } },
            new { id = 3, action = "deny", description = "no SMTP", protocol = "tcp", ports = new[] { "25", "465", "587" } },
            new { id = 10, action = "allow", description = "the company LAN", networks = new[] { topology.CompanyLanPrefix } },
        },
    }, new JsonSerializerOptions { WriteIndented = true });
}
