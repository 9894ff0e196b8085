using System.Diagnostics;
using System.Text.Json;
using Oracle.Core.Policy;
using Oracle.Testing;
using VpnGateway.Hosting;

namespace VpnGateway.Tests.Integration;

/// <summary>
/// The real thing in throwaway namespaces (198.18.0.0/15 only, no route out): a client, the provider's gateway, an
/// "internet" host behind the provider's uplink, a host on the provider's LAN, and a second company (site B: a
/// gateway and a host on its LAN) linked site-to-site to the provider's LAN. The gateways run as
/// <c>vpngateway</c> processes, killed by PID on dispose with the namespaces.
/// </summary>
public sealed class GatewayNetwork : IAsyncLifetime
{
    public const string InternetHost = "198.18.100.1";
    public const string LanHost = "198.18.3.10";
    public const string SiteBHost = "198.18.20.10";
    public const string ProviderUnderlay = "198.18.1.2";
    public const int ProviderMetrics = 9590;
    public const int ClientMetrics = 9591;

    private readonly List<NetworkNamespace> _namespaces = [];
    private readonly List<TinyHttpServer> _servers = [];

    /// <summary>The 24 MiB file the HTTP servers serve as big.bin.</summary>
    public byte[] BigFile { get; private set; } = [];

    public NetworkNamespace Client { get; private set; } = null!;

    public NetworkNamespace Provider { get; private set; } = null!;

    public NetworkNamespace Internet { get; private set; } = null!;

    public NetworkNamespace Lan { get; private set; } = null!;

    public NetworkNamespace SiteBGateway { get; private set; } = null!;

    public NetworkNamespace SiteBHostNamespace { get; private set; } = null!;

    public string ClientUnderlayDevice { get; private set; } = null!;

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), $"gwtest-{Environment.ProcessId}-{Guid.NewGuid():N}"[..32]);

    public string PasswordFile => Path.Combine(Folder, "password");

    public byte[] ProviderPublicKey { get; private set; } = null!;

    public Process ProviderProcess { get; private set; } = null!;

    public Process ClientProcess { get; private set; } = null!;

    public string ProviderLog => Path.Combine(Folder, "provider.log");

    public string ClientLog => Path.Combine(Folder, "client.log");

    /// <summary>The gateway built with the tests (the VpnGateway project reference copies it here).</summary>
    public static string GatewayDll => Path.Combine(AppContext.BaseDirectory, "vpngateway.dll");

    public async Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Folder);
        await File.WriteAllTextAsync(PasswordFile, "integration-test-only\n");
        Client = await Namespace("gwc");
        Provider = await Namespace("gwp");
        Internet = await Namespace("gwi");
        Lan = await Namespace("gwl");
        SiteBGateway = await Namespace("gwbg");
        SiteBHostNamespace = await Namespace("gwbh");

        (ClientUnderlayDevice, _) = await NetworkNamespace.ConnectAsync(Client, "198.18.1.1/29", Provider, "198.18.1.2/29");
        var (uplink, _) = await NetworkNamespace.ConnectAsync(Provider, "198.18.2.1/30", Internet, "198.18.2.2/30");
        await NetworkNamespace.ConnectAsync(Provider, "198.18.3.1/24", Lan, "198.18.3.10/24");
        await NetworkNamespace.ConnectAsync(SiteBGateway, "198.18.4.1/30", Provider, "198.18.4.2/30");
        await NetworkNamespace.ConnectAsync(SiteBGateway, "198.18.20.1/24", SiteBHostNamespace, "198.18.20.10/24");
        await Run(Internet, "ip", "addr", "add", $"{InternetHost}/32", "dev", "lo");
        await Run(Provider, "ip", "route", "add", "198.18.100.0/24", "via", "198.18.2.2");
        // Without the policy the LAN host would answer the exit client, and it routes site B through the provider.
        await Run(Lan, "ip", "route", "add", "198.19.200.0/24", "via", "198.18.3.1");
        await Run(Lan, "ip", "route", "add", "198.18.20.0/24", "via", "198.18.3.1");
        await Run(SiteBHostNamespace, "ip", "route", "add", "198.18.3.0/24", "via", "198.18.20.1");

        // Servers: HTTP on the internet host and on the LAN host, and an SMB-port listener on the internet host.
        var big = new byte[24 << 20];
        new Random(5).NextBytes(big);
        BigFile = big;
        var files = new Dictionary<string, byte[]> { ["hello.txt"] = "hello from the internet\n"u8.ToArray(), ["big.bin"] = big };
        _servers.Add(TinyHttpServer.Start(Internet, InternetHost, 8080, files));
        _servers.Add(TinyHttpServer.Start(Lan, LanHost, 8080, files));
        _servers.Add(TinyHttpServer.Start(Internet, InternetHost, 445, new Dictionary<string, byte[]>()));

        var providerKey = Key("provider");
        ProviderPublicKey = providerKey;
        var clientKey = Key("client");
        var siteBKey = Key("siteb");
        await File.WriteAllBytesAsync(Path.Combine(Folder, "exit.json"), PolicyDocument.DefaultExit.CanonicalJson.ToArray());
        await File.WriteAllTextAsync(Path.Combine(Folder, "site.json"), """
            { "version": 1, "defaultAction": "deny", "exports": ["198.18.3.0/24"],
              "description": "site B reaches the provider's LAN 198.18.3.0/24 and nothing else; no SMB",
              "rules": [ { "id": 1, "action": "deny", "protocol": "tcp", "ports": ["445", "139"] },
                         { "id": 10, "action": "allow", "networks": ["198.18.3.0/24"] } ] }
            """);

        ProviderProcess = StartGateway(Provider, "provider", "serve", $$"""
            { "Tunnel": { "RekeyAfterSeconds": 4, "KeepaliveSeconds": 2, "SessionIdleSeconds": 60 },
              "Keys": { "TunnelKeystore": "{{Folder}}/provider.key", "PasswordFile": "{{PasswordFile}}" },
              "Serve": { "Listen": "0.0.0.0:51820", "AddressPool": "198.19.200.0/24", "InterfacePattern": "ogw%d",
                         "Exit": { "Enabled": true, "Masquerade": true, "Uplink": "{{uplink}}" },
                         "HandshakesPerSecond": 5, "HandshakeBurst": 10 },
              "Directory": { "Sessions": [
                  { "Id": 1, "TunnelKey": "{{Convert.ToBase64String(clientKey)}}", "Policy": "{{Folder}}/exit.json" },
                  { "Id": 2, "TunnelKey": "{{Convert.ToBase64String(siteBKey)}}", "Policy": "{{Folder}}/site.json", "Routes": ["198.18.20.0/24"] } ] },
              "Metrics": { "Listen": "127.0.0.1:{{ProviderMetrics}}" } }
            """);
        await WaitForLog(ProviderLog, "serving on", TimeSpan.FromSeconds(30));
        ClientProcess = StartGateway(Client, "client", "connect", ClientConfig("client", 1, ProviderUnderlay, ["0.0.0.0/0"], ClientMetrics));
        StartGateway(SiteBGateway, "siteb", "connect", ClientConfig("siteb", 2, "198.18.4.2", ["198.18.3.0/24"], 9592, forward: true));
        await WaitForLog(ClientLog, "connected: session 1", TimeSpan.FromSeconds(30));
        await WaitForLog(Path.Combine(Folder, "siteb.log"), "connected: session 2", TimeSpan.FromSeconds(30));
    }

    public string ClientConfig(string name, ulong session, string endpoint, string[] routes, int metrics, bool forward = false, string? providerKey = null, int attempts = 3)
        => $$"""
            { "Tunnel": { "RekeyAfterSeconds": 4, "KeepaliveSeconds": 2, "RekeyTimeoutSeconds": 2 },
              "Keys": { "TunnelKeystore": "{{Folder}}/{{name}}.key", "PasswordFile": "{{PasswordFile}}" },
              "Connect": { "ProviderKey": "{{providerKey ?? Convert.ToBase64String(ProviderPublicKey)}}", "Endpoint": "{{endpoint}}:51820",
                           "SessionId": {{session}}, "Routes": [{{string.Join(", ", routes.Select(r => $"\"{r}\""))}}],
                           "InterfacePattern": "orc%d", "Forward": {{(forward ? "true" : "false")}}, "ConnectAttempts": {{attempts}} },
              "Metrics": { "Listen": "127.0.0.1:{{metrics}}" } }
            """;

    /// <summary>Starts <c>vpngateway</c> in a namespace with a configuration written to the test folder.</summary>
    public Process StartGateway(NetworkNamespace ns, string name, string command, string config)
    {
        var path = Path.Combine(Folder, $"{name}.json");
        File.WriteAllText(path, config);
        return ns.StartProcess(Path.Combine(Folder, $"{name}.log"), "dotnet", GatewayDll, command, "--config", path);
    }

    /// <summary>Creates a tunnel keystore named <paramref name="name"/> in the folder; returns its public key.</summary>
    public byte[] Key(string name)
    {
        using var key = TunnelKeyFile.Create(Path.Combine(Folder, $"{name}.key"), PasswordFile, light: true);
        return key.PublicKey;
    }

    /// <summary>GET /status of the gateway listening on <paramref name="port"/> in <paramref name="ns"/>.</summary>
    public static async Task<JsonElement> StatusAsync(NetworkNamespace ns, int port)
    {
        var result = await ns.ExecAsync("curl", "-s", "--max-time", "5", $"http://127.0.0.1:{port}/status");
        result.EnsureSuccess();
        return JsonDocument.Parse(result.StandardOutput).RootElement.Clone();
    }

    public static long Drop(JsonElement status, string reason)
        => status.GetProperty("drops").TryGetProperty(reason, out var value) ? value.GetInt64() : 0;

    public static long Denials(JsonElement status, uint rule)
        => status.GetProperty("denialsByRule").TryGetProperty(rule.ToString(System.Globalization.CultureInfo.InvariantCulture), out var value) ? value.GetInt64() : 0;

    public static async Task WaitForLog(string path, string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(path) && (await File.ReadAllTextAsync(path)).Contains(text, StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"'{text}' did not appear in {path} within {timeout}:\n{(File.Exists(path) ? await File.ReadAllTextAsync(path) : "(no log)")}");
    }

    public static async Task Run(NetworkNamespace ns, params string[] argv) => (await ns.ExecAsync(argv)).EnsureSuccess();

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        foreach (var ns in _namespaces)
        {
            await ns.DisposeAsync();
        }

        // Keep the gateways' logs of the last run for diagnosis (keystores and the big file go).
        var keep = Path.Combine(Path.GetTempPath(), "gwtest-last-logs");
        System.IO.Directory.CreateDirectory(keep);
        foreach (var log in System.IO.Directory.GetFiles(Folder, "*.log"))
        {
            File.Copy(log, Path.Combine(keep, Path.GetFileName(log)), overwrite: true);
        }

        try
        {
            System.IO.Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<NetworkNamespace> Namespace(string prefix)
    {
        var ns = await NetworkNamespace.CreateAsync(prefix);
        _namespaces.Add(ns);
        return ns;
    }
}
