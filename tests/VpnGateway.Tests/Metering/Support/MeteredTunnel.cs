using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nethereum.Signer;
using Oracle.Chain.Keys;
using Oracle.Core.Policy;
using Oracle.Testing;
using VpnGateway.Hosting;
using VpnGateway.Metering.Spool;
using VpnGateway.Tests.Integration;

namespace VpnGateway.Tests.Metering.Support;

/// <summary>
/// Metered <c>vpngateway</c> processes in throwaway namespaces (198.18.0.0/15 only): a provider, an "internet" host
/// (198.18.100.1) behind its uplink, and clients each on a /29 of their own towards the provider (client i at
/// 198.18.1.(8i+1), the provider at 198.18.1.(8i+2)). Configurations are JSON objects the tests adjust; every process is
/// killed by PID with its namespace on dispose, and the gateways' logs are kept in /tmp/gwtest-last-logs.
/// </summary>
internal sealed class MeteredTunnel : IAsyncDisposable
{
    public const string InternetHost = "198.18.100.1";

    /// <summary>The internet host's IPv6 address once <see cref="EnableIpv6Async"/> ran (2001:2::/48, RFC 5180).</summary>
    public const string InternetHost6 = "2001:2:0:100::1";

    /// <summary>The provider's IPv6 address on its uplink once <see cref="EnableIpv6Async"/> ran.</summary>
    public const string ProviderUplink6 = "2001:2:0:2::1";
    public const int ProviderMetrics = 9595;
    public const int ClientMetrics = 9596;
    public const string Password = "metering-test-only";

    private readonly List<NetworkNamespace> _namespaces = [];
    private readonly List<IAsyncDisposable> _resources = [];

    private MeteredTunnel(string folder) => Folder = folder;

    public string Folder { get; }

    public string PasswordFile => Path.Combine(Folder, "password");

    public NetworkNamespace Provider { get; private set; } = null!;

    public NetworkNamespace Internet { get; private set; } = null!;

    public List<NetworkNamespace> Clients { get; } = [];

    public string Uplink { get; private set; } = "";

    /// <summary>The internet host's end of the uplink.</summary>
    public string InternetLink { get; private set; } = "";

    public string ProviderSpool => Path.Combine(Folder, "provider.db");

    /// <summary>The exit policy's file (the default exit policy: no SMB, no SMTP, the provider's networks guarded).</summary>
    public string ExitPolicy => Path.Combine(Folder, "exit.json");

    public static async Task<MeteredTunnel> CreateAsync(string prefix, int clients)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"{prefix}-{Environment.ProcessId}-{Guid.NewGuid():N}"[..(prefix.Length + 20)]);
        Directory.CreateDirectory(folder);
        var tunnel = new MeteredTunnel(folder);
        try
        {
            await File.WriteAllTextAsync(tunnel.PasswordFile, Password + "\n");
            await File.WriteAllBytesAsync(tunnel.ExitPolicy, PolicyDocument.DefaultExit.CanonicalJson.ToArray());
            tunnel.Provider = await tunnel.NamespaceAsync(prefix + "p");
            tunnel.Internet = await tunnel.NamespaceAsync(prefix + "i");
            (tunnel.Uplink, tunnel.InternetLink) = await NetworkNamespace.ConnectAsync(tunnel.Provider, "198.18.2.1/30", tunnel.Internet, "198.18.2.2/30");
            (await tunnel.Internet.ExecAsync("ip", "addr", "add", InternetHost + "/32", "dev", "lo")).EnsureSuccess();
            (await tunnel.Provider.ExecAsync("ip", "route", "add", "198.18.100.0/24", "via", "198.18.2.2")).EnsureSuccess();
            for (var i = 0; i < clients; i++)
            {
                var client = await tunnel.NamespaceAsync($"{prefix}c{i}");
                await NetworkNamespace.ConnectAsync(client, $"198.18.1.{(8 * i) + 1}/29", tunnel.Provider, $"198.18.1.{(8 * i) + 2}/29");
                tunnel.Clients.Add(client);
            }
        }
        catch
        {
            await tunnel.DisposeAsync();
            throw;
        }

        return tunnel;
    }

    /// <summary>
    /// IPv6 beside IPv4 on the uplink (the provider 2001:2:0:2::1/64, the internet host 2001:2:0:2::2/64 and
    /// <see cref="InternetHost6"/> on its loopback, routed by the provider), for a provider with Serve:AddressPool6.
    /// </summary>
    public async Task EnableIpv6Async()
    {
        await AddAddress6Async(Provider, Uplink, ProviderUplink6 + "/64");
        await AddAddress6Async(Internet, InternetLink, "2001:2:0:2::2/64");
        (await Internet.ExecAsync("ip", "-6", "addr", "add", InternetHost6 + "/128", "dev", "lo")).EnsureSuccess();
        (await Provider.ExecAsync("ip", "-6", "route", "add", "2001:2:0:100::/64", "via", "2001:2:0:2::2")).EnsureSuccess();
    }

    /// <summary>Adds an IPv6 address to <paramref name="device"/> in <paramref name="ns"/>, usable at once (no duplicate detection: the namespaces are the test's own).</summary>
    public static async Task AddAddress6Async(NetworkNamespace ns, string device, string prefix)
        => (await ns.ExecAsync("ip", "-6", "addr", "add", prefix, "dev", device, "nodad")).EnsureSuccess();

    /// <summary>The provider's address on client <paramref name="client"/>'s link.</summary>
    public static string ProviderEndpoint(int client) => $"198.18.1.{(8 * client) + 2}:51820";

    /// <summary>A tunnel keystore named <paramref name="name"/>; returns its public key (base64).</summary>
    public string TunnelKey(string name)
    {
        using var key = TunnelKeyFile.Create(Path.Combine(Folder, name + ".key"), PasswordFile, light: true);
        return Convert.ToBase64String(key.PublicKey);
    }

    /// <summary>An Ethereum keystore named <paramref name="name"/> holding <paramref name="key"/>; returns its path.</summary>
    public string EthereumKey(string name, EthECKey key)
    {
        var path = Path.Combine(Folder, name + ".eth");
        KeyStoreFile.Create(path, key, Password, KeyStoreCost.Light);
        return path;
    }

    /// <summary>Makes a resource (a port forward, a server) live as long as the namespaces.</summary>
    public T Keep<T>(T resource)
        where T : IAsyncDisposable
    {
        _resources.Add(resource);
        return resource;
    }

    /// <summary>A JSON object from an anonymous one (configuration fragments).</summary>
    public static JsonObject Json(object value) => JsonSerializer.SerializeToNode(value)!.AsObject();

    /// <summary>Copies <paramref name="overrides"/> into <paramref name="target"/>, object by object.</summary>
    public static JsonObject Merge(JsonObject target, JsonObject? overrides)
    {
        foreach (var (key, value) in overrides ?? [])
        {
            if (value is JsonObject inner && target[key] is JsonObject existing)
            {
                Merge(existing, inner);
            }
            else
            {
                target[key] = value?.DeepClone();
            }
        }

        return target;
    }

    /// <summary>Section Chain of a pinned link: no node, the chain id and SessionManager only for the signing domain.</summary>
    private object PinnedChain(string ethereumKeystore)
        => new { ChainId = MeteringHarness.ChainId, Contracts = new { MeteringHarness.SessionManager }, Keystore = ethereumKeystore, PasswordFile };

    /// <summary>
    /// A provider (<c>serve</c>) with metering on short timers (epochs of 1 s, flows closed after 1 s idle or 2 s active),
    /// exit forwarding with NAT, pinned <paramref name="sessions"/>, and <paramref name="overrides"/> on top.
    /// </summary>
    public JsonObject ProviderConfig(string ethereumKeystore, object[] sessions, object? overrides = null) => Merge(Json(new
    {
        Tunnel = new { EndingSeconds = 3 },
        Keys = new { TunnelKeystore = Path.Combine(Folder, "provider.key"), PasswordFile },
        Chain = PinnedChain(ethereumKeystore),
        Metering = MeteringDefaults(ProviderSpool),
        Serve = new
        {
            Listen = "0.0.0.0:51820",
            AddressPool = "198.19.210.0/24",
            InterfacePattern = "omp%d",
            Exit = new { Enabled = true, Masquerade = true, Uplink },
        },
        Directory = new { Sessions = sessions },
        Metrics = new { Listen = $"127.0.0.1:{ProviderMetrics}" },
    }), overrides is null ? null : Json(overrides));

    /// <summary>Client <paramref name="index"/> (<c>connect</c>) of a pinned session, metered, routing the internet host's /24 (or <paramref name="routes"/>).</summary>
    public JsonObject ClientConfig(int index, string name, string ethereumKeystore, ulong session, string providerTunnelKey, string providerAddress, object? overrides = null, string[]? routes = null)
        => Merge(Json(new
        {
            Tunnel = new { EndingSeconds = 3 },
            Keys = new { TunnelKeystore = Path.Combine(Folder, name + ".key"), PasswordFile },
            Chain = PinnedChain(ethereumKeystore),
            Metering = Merge(MeteringDefaults(Path.Combine(Folder, name + ".db")), Json(new { ProviderAddress = providerAddress })),
            Connect = new
            {
                ProviderKey = providerTunnelKey,
                Endpoint = ProviderEndpoint(index),
                SessionId = session,
                Routes = routes ?? ["198.18.100.0/24"],
                InterfacePattern = "omc%d",
            },
            Metrics = new { Listen = $"127.0.0.1:{ClientMetrics}" },
        }), overrides is null ? null : Json(overrides));

    private static JsonObject MeteringDefaults(string spool) => Json(new
    {
        EpochInterval = "00:00:01",
        SweepInterval = "00:00:00.250",
        VoucherGrace = "00:00:30",
        PricePerMiB = "1000",
        SpoolPath = spool,
        Flows = new { IdleTimeout = "00:00:01", ActiveTimeout = "00:00:02" },
    });

    /// <summary>Writes <paramref name="config"/> and starts <c>vpngateway <paramref name="command"/></c> in <paramref name="ns"/>.</summary>
    public Process Start(NetworkNamespace ns, string name, string command, JsonObject config)
    {
        var path = Path.Combine(Folder, name + ".json");
        File.WriteAllText(path, config.ToJsonString());
        return ns.StartProcess(Log(name), "dotnet", GatewayNetwork.GatewayDll, command, "--config", path);
    }

    public string Log(string name) => Path.Combine(Folder, name + ".log");

    public string LogText(string name) => File.Exists(Log(name)) ? File.ReadAllText(Log(name)) : "(no log)";

    /// <summary>Sends a signal to a process we started (by PID).</summary>
    public static async Task SignalAsync(Process process, string signal)
        => (await Oracle.Testing.Commands.RunAsync("kill", "-" + signal, process.Id.ToString(CultureInfo.InvariantCulture))).EnsureSuccess();

    /// <summary>Stops a gateway as its service manager would (SIGTERM) and waits up to 30 s for it to exit.</summary>
    public static async Task TerminateAsync(Process process)
    {
        await SignalAsync(process, "TERM");
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>GET a gateway's /metrics inside its namespace.</summary>
    public static async Task<string> MetricsAsync(NetworkNamespace ns, int port)
        => (await ns.ExecAsync("curl", "-s", "--max-time", "5", $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/metrics")).EnsureSuccess().StandardOutput;

    /// <summary>The sum of a Prometheus metric's samples (<paramref name="name"/>, or with <c>_total</c>) whose line contains every one of <paramref name="labels"/>.</summary>
    public static double Metric(string metrics, string name, params string[] labels)
    {
        double total = 0;
        foreach (var line in metrics.Split('\n'))
        {
            var sample = line.StartsWith(name + "_total", StringComparison.Ordinal) ? name.Length + 6 : line.StartsWith(name, StringComparison.Ordinal) ? name.Length : -1;
            if (sample > 0 && sample < line.Length && line[sample] is '{' or ' ' && labels.All(l => line.Contains(l, StringComparison.Ordinal)))
            {
                total += double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return total;
    }

    /// <summary>The session ids in a gateway's /status.</summary>
    public static async Task<ulong[]> SessionsAsync(NetworkNamespace ns, int port)
        => [.. (await GatewayNetwork.StatusAsync(ns, port)).GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("sessionId").GetUInt64())];

    /// <summary>The TUN devices named <paramref name="prefix"/>… in <paramref name="ns"/>.</summary>
    public static async Task<int> DevicesAsync(NetworkNamespace ns, string prefix)
        => (await ns.ExecAsync("ip", "-o", "link", "show")).EnsureSuccess().StandardOutput.Split('\n').Count(l => l.Contains($": {prefix}", StringComparison.Ordinal));

    /// <summary>What the provider's spool holds (read after the provider stopped, or alongside it: SQLite WAL).</summary>
    public IReadOnlyList<SpoolEntry> ProviderSpoolEntries()
    {
        using var spool = EvidenceSpool.Open(ProviderSpool);
        return spool.Entries();
    }

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds:0} s waiting for: {what()}");
            }

            await Task.Delay(250);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var resource in _resources)
        {
            await resource.DisposeAsync();
        }

        foreach (var ns in _namespaces)
        {
            await ns.DisposeAsync();
        }

        var keep = Path.Combine(Path.GetTempPath(), "gwtest-last-logs");
        Directory.CreateDirectory(keep);
        foreach (var log in Directory.GetFiles(Folder, "*.log"))
        {
            File.Copy(log, Path.Combine(keep, Path.GetFileName(log)), overwrite: true);
        }

        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Another namespace (a LAN host), deleted with the others.</summary>
    public Task<NetworkNamespace> AddNamespaceAsync(string prefix) => NamespaceAsync(prefix);

    private async Task<NetworkNamespace> NamespaceAsync(string prefix)
    {
        var ns = await NetworkNamespace.CreateAsync(prefix);
        _namespaces.Add(ns);
        return ns;
    }
}
