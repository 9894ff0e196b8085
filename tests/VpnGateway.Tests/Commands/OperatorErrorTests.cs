using System.Net;
using System.Net.Sockets;
using Oracle.Chain.Keys;
using Oracle.Testing;
using VpnGateway.Hosting;
using VpnGateway.Tests.Integration;

namespace VpnGateway.Tests.Commands;

/// <summary>
/// Operator mistakes, as the real <c>vpngateway</c> process meets them: each gets one line on standard error saying what
/// and where, and exit status 2 — never a stack trace, and nothing set up on the host.
/// </summary>
public sealed class OperatorErrorTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gwops-").FullName;

    public OperatorErrorTests()
    {
        File.WriteAllText(Password, "operator-test-only\n");
        TunnelKeyFile.Create(Path.Combine(_folder, "tunnel.key"), Password, light: true).Dispose();
        File.WriteAllBytes(Path.Combine(_folder, "exit.json"), Oracle.Core.Policy.PolicyDocument.DefaultExit.CanonicalJson.ToArray());
    }

    private string Password => Path.Combine(_folder, "password");

    [Fact]
    public async Task Serve_ConfigFileMissing_OneLine()
    {
        var result = await GatewayAsync("serve", "--config", Path.Combine(_folder, "none.json"));

        AssertOneLine(result, $"configuration file {_folder}/none.json does not exist");
    }

    [Fact]
    public async Task Serve_ConfigNotJson_OneLineWithFileAndPosition()
    {
        var config = Write("broken.json", "{ \"Serve\": { \"Listen\": \"0.0.0.0:51820\" }\n");

        var result = await GatewayAsync("serve", "--config", config);

        AssertOneLine(result, $"configuration file {config} is not valid JSON");
        Assert.Contains("LineNumber", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_ValueOfWrongType_OneLineNamesKey()
    {
        var config = Write("type.json", ProviderConfig("\"Tunnel\": { \"Mtu\": \"large\" },"));

        var result = await GatewayAsync("serve", "--config", config);

        AssertOneLine(result, $"Tunnel:Mtu in {config}: 'large' is not an integer (Int32)");
    }

    [Fact]
    public async Task Serve_Ipv4PrefixAsAddressPool6_OneLineNamesTheFamily()
    {
        var config = Write("ipv6.json", ProviderConfig().Replace("\"Exit\": { \"Enabled\": false }", "\"AddressPool6\": \"198.18.64.0/24\", \"Exit\": { \"Enabled\": false }", StringComparison.Ordinal));

        var result = await GatewayAsync("serve", "--config", config);

        AssertOneLine(result, "Serve:AddressPool6 198.18.64.0/24: an IPv6 prefix (the IPv4 pool is Serve:AddressPool)");
    }

    [Fact]
    public async Task Serve_MisspeltKey_RefusedNamingTheNearestKey()
    {
        var config = Write("typo.json", ProviderConfig().Replace("\"Listen\": \"127.0.0.1", "\"Lisen\": \"127.0.0.1", StringComparison.Ordinal));

        var result = await GatewayAsync("serve", "--config", config);

        AssertOneLine(result, $"unknown key Serve:Lisen in {config} (did you mean Serve:Listen?)");
    }

    [Fact]
    public async Task Serve_MisspeltMeteringSection_RefusedRatherThanRunningUnmetered()
    {
        var config = Write("metring.json", ProviderConfig("\"Metring\": { \"SpoolPath\": \"/tmp/x.db\", \"EpochInterval\": \"00:00:10\" },"));

        var result = await GatewayAsync("serve", "--config", config);

        AssertOneLine(result, $"unknown section Metring in {config} (did you mean Metering?)");
    }

    [Fact]
    public async Task Connect_MisspeltKeyInEnvironment_RefusedNamingTheVariable()
    {
        var config = Write("client.json", $$"""
            { "Keys": { "TunnelKeystore": "{{_folder}}/tunnel.key", "PasswordFile": "{{Password}}" }, "Metrics": { "Listen": "" },
              "Connect": { "ProviderKey": "{{Convert.ToBase64String(new byte[32])}}", "Endpoint": "198.18.9.9:51820", "SessionId": 1 } }
            """);

        var result = await Oracle.Testing.Commands.RunAsync(TimeSpan.FromSeconds(60),
            ["env", "VPNGATEWAY_Connect__SesionId=2", "dotnet", GatewayNetwork.GatewayDll, "connect", "--config", config]);

        AssertOneLine(result, "unknown key Connect:SesionId from the environment (VPNGATEWAY_Connect__SesionId) (did you mean Connect:SessionId?)");
    }

    [Fact]
    public async Task Serve_PolicyFileMissing_OneLineNamesKeyAndFile()
    {
        var config = Write("policy.json", ProviderConfig(policy: $"{_folder}/missing-policy.json"));

        var result = await GatewayAsync("serve", "--config", config);

        AssertOneLine(result, $"Directory:Sessions:0:Policy: policy file {_folder}/missing-policy.json does not exist");
    }

    [Fact]
    public async Task Serve_TunnelMtuBelowMinimum_Refused()
    {
        var config = Write("mtu.json", ProviderConfig("\"Tunnel\": { \"Mtu\": 100 },"));

        var result = await GatewayAsync("serve", "--config", config);

        AssertOneLine(result, "Tunnel:Mtu 100 is below 576");
    }

    [Fact]
    public async Task Serve_TunnelMtuBeyondUnderlay_Refused()
    {
        await using var ns = await NetworkNamespace.CreateAsync("gwops");
        await using var peer = await NetworkNamespace.CreateAsync("gwops");
        await NetworkNamespace.ConnectAsync(ns, "198.18.9.1/30", peer, "198.18.9.2/30", mtu: 1500);
        // 1500-byte frames carry 1440 bytes of tunnel packet over IPv4 (20 + 8 + 32 bytes of headers).
        var fits = Write("fits.json", ProviderConfig("\"Tunnel\": { \"Mtu\": 1440 },", metrics: "\"Metrics\": { \"Listen\": \"\" },", listen: "198.18.9.1:51820"));
        var tooBig = Write("big.json", ProviderConfig("\"Tunnel\": { \"Mtu\": 1441 },", listen: "198.18.9.1:51820"));

        var result = await ns.ExecAsync(TimeSpan.FromSeconds(60), ["env", "-u", KeyStoreFile.PasswordVariable, "dotnet", GatewayNetwork.GatewayDll, "serve", "--config", tooBig]);
        var log = Path.Combine(_folder, "fits.log");
        var validated = ns.StartProcess(log, "dotnet", GatewayNetwork.GatewayDll, "serve", "--config", fits);
        await GatewayNetwork.WaitForLog(log, "serving on 198.18.9.1:51820", TimeSpan.FromSeconds(60));
        await TerminateAsync(validated);

        AssertOneLine(result, "Tunnel:Mtu 1441 does not fit the underlay");
        Assert.Contains("at most 1440", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Tunnel:Mtu", await File.ReadAllTextAsync(log), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MetricsPortInUse_ServeAndConnectDefaults_OneLineEachNamingItsOwnPort()
    {
        await using var ns = await NetworkNamespace.CreateAsync("gwops");
        // Something else holds both default ports in this namespace.
        using var holders = ns.RunInside(() => new Holders(
            Listen(new IPEndPoint(IPAddress.Loopback, 9580)), Listen(new IPEndPoint(IPAddress.Loopback, 9581))));
        var serve = Write("serve.json", ProviderConfig(metrics: string.Empty));
        var connect = Write("connect.json", $$"""
            { "Keys": { "TunnelKeystore": "{{_folder}}/tunnel.key", "PasswordFile": "{{Password}}" },
              "Connect": { "ProviderKey": "{{Convert.ToBase64String(new byte[32])}}", "Endpoint": "198.18.9.9:51820", "SessionId": 1 } }
            """);

        var provider = await ns.ExecAsync(TimeSpan.FromSeconds(60), ["dotnet", GatewayNetwork.GatewayDll, "serve", "--config", serve]);
        var client = await ns.ExecAsync(TimeSpan.FromSeconds(60), ["dotnet", GatewayNetwork.GatewayDll, "connect", "--config", connect]);

        AssertOneLine(provider, "Metrics:Listen 127.0.0.1:9580 is in use");
        AssertOneLine(client, "Metrics:Listen 127.0.0.1:9581 is in use");
    }

    [Fact]
    public async Task Keygen_OntoExistingFile_OneLineAndFileKept()
    {
        var path = Path.Combine(_folder, "tunnel.key");
        var before = await File.ReadAllBytesAsync(path);

        var result = await GatewayAsync("keygen", "--out", path, "--password-file", Password);

        AssertOneLine(result, $"{path} exists: keygen never overwrites a key");
        Assert.Equal(before, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task Keygen_WithoutPassword_OneLine()
    {
        var result = await GatewayAsync("keygen", "--out", Path.Combine(_folder, "new.key"));

        AssertOneLine(result, "no keystore password: give --password-file or set ORACLE_KEYSTORE_PASSWORD");
        Assert.False(File.Exists(Path.Combine(_folder, "new.key")));
    }

    [Fact]
    public async Task Keygen_Ethereum_WritesKeystoreOfPrintedAddress()
    {
        var path = Path.Combine(_folder, "operator.json");

        var result = await GatewayAsync("keygen", "--ethereum", "--light", "--out", path, "--password-file", Password);
        var shown = await GatewayAsync("keygen", "--ethereum", "--show", "--out", path, "--password-file", Password);

        result.EnsureSuccess();
        var address = result.StandardOutput.Trim();
        Assert.Matches("^0x[0-9a-fA-F]{40}$", address);
        Assert.Equal(address, KeyStoreFile.LoadWithPasswordFile(path, Password).GetPublicAddress());
        Assert.Equal(address, shown.StandardOutput.Trim());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public async Task Keygen_EthereumImport_KeystoreHoldsThatKey()
    {
        var key = Nethereum.Signer.EthECKey.GenerateKey();
        var source = Write("private.txt", "0x" + Convert.ToHexStringLower(key.GetPrivateKeyAsBytes()) + "\n");
        var path = Path.Combine(_folder, "imported.json");

        var result = await GatewayAsync("keygen", "--ethereum", "--import", source, "--light", "--out", path, "--password-file", Password);
        var bad = await GatewayAsync("keygen", "--ethereum", "--import", Write("bad.txt", "0x1234\n"), "--light", "--out", Path.Combine(_folder, "bad.json"), "--password-file", Password);

        result.EnsureSuccess();
        Assert.Equal(key.GetPublicAddress(), result.StandardOutput.Trim());
        Assert.Equal(key.GetPrivateKeyAsBytes(), KeyStoreFile.LoadWithPasswordFile(path, Password).GetPrivateKeyAsBytes());
        AssertOneLine(bad, "not a private key");
        Assert.False(File.Exists(Path.Combine(_folder, "bad.json")));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static Task TerminateAsync(System.Diagnostics.Process process) => Metering.Support.MeteredTunnel.TerminateAsync(process);

    private static void AssertOneLine(ProcessResult result, string expected)
    {
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(result.ExitCode == 2 && lines.Length == 1,
            $"exit {result.ExitCode}, {lines.Length} lines on stderr:\n{result.StandardError}\nstdout:\n{result.StandardOutput}");
        Assert.StartsWith("vpngateway ", lines[0], StringComparison.Ordinal);
        Assert.Contains(expected, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardOutput, StringComparison.Ordinal);
    }

    private static Task<ProcessResult> GatewayAsync(params string[] args)
        => Oracle.Testing.Commands.RunAsync(TimeSpan.FromSeconds(60), ["env", "-u", KeyStoreFile.PasswordVariable, "dotnet", GatewayNetwork.GatewayDll, .. args]);

    private string ProviderConfig(string extra = "", string? policy = null, string metrics = "\"Metrics\": { \"Listen\": \"\" },", string listen = "127.0.0.1:51999")
        => $$"""
            { {{extra}} {{metrics}}
              "Keys": { "TunnelKeystore": "{{_folder}}/tunnel.key", "PasswordFile": "{{Password}}" },
              "Serve": { "Listen": "{{listen}}", "Exit": { "Enabled": false } },
              "Directory": { "Sessions": [ { "Id": 1, "TunnelKey": "{{Convert.ToBase64String(new byte[32])}}", "Policy": "{{policy ?? $"{_folder}/exit.json"}}" } ] } }
            """;

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static Socket Listen(IPEndPoint endpoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(endpoint);
        socket.Listen();
        return socket;
    }

    private sealed class Holders(params Socket[] sockets) : IDisposable
    {
        public void Dispose()
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }
}
