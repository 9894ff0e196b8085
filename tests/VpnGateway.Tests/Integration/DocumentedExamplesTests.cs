using System.Text.Json;
using Microsoft.Extensions.Configuration;
using System.Text.RegularExpressions;
using Oracle.Devnet.Runtime;
using Oracle.Testing;
using VpnGateway.Hosting;

namespace VpnGateway.Tests.Integration;

/// <summary>
/// The operator guide's examples as an operator follows them (docs/gateway.md, Modes): every configuration it shows
/// holds only keys the gateway reads, and the metered site-to-site link, built from the guide's own blocks with only
/// names and addresses filled in, links the two LANs and pays.
/// </summary>
public sealed partial class DocumentedExamplesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gwdocs-").FullName;

    private static string Guide => File.ReadAllText(Path.Combine(RepositoryLayout.Find().Root, "docs", "gateway.md"));

    [Fact]
    public void OperatorGuide_EveryConfigurationExample_HoldsOnlyKeysTheGatewayReads()
    {
        var examples = JsonBlocks(Guide).Where(b => b.RootElement.ValueKind == JsonValueKind.Object
            && b.RootElement.EnumerateObject().Any(p => p.Name is "Keys" or "Serve" or "Connect")).ToList();

        Assert.True(examples.Count >= 4, $"{examples.Count} configuration examples found");
        foreach (var example in examples)
        {
            var path = Path.Combine(_folder, "example.json");
            File.WriteAllText(path, example.RootElement.GetRawText());
            var configuration = new ConfigurationBuilder().AddJsonFile(path).Build();
            Assert.Empty(GatewayConfigurationSchema.Create().Check(configuration).Select(p => p.Message));
        }
    }

    [Fact]
    public async Task OperatorGuide_MeteredSiteToSite_LinksTheLansAndBPays()
    {
        var section = Guide[Guide.IndexOf("**Site-to-site between two companies", StringComparison.Ordinal)..Guide.IndexOf("**Trying it on the devnet", StringComparison.Ordinal)];
        var blocks = JsonBlockTexts(section);
        Assert.Equal(3, blocks.Count); // A's configuration, A's policy for B, B's configuration

        // Two companies, each a gateway and a host on its LAN (198.18.0.0/15 stands in for 10.1/16 and 10.2/16).
        await using var a = await NetworkNamespace.CreateAsync("gwda");
        await using var b = await NetworkNamespace.CreateAsync("gwdb");
        await using var aHost = await NetworkNamespace.CreateAsync("gwdah");
        await using var bHost = await NetworkNamespace.CreateAsync("gwdbh");
        await NetworkNamespace.ConnectAsync(b, "198.18.90.1/30", a, "198.18.90.2/30");
        await NetworkNamespace.ConnectAsync(a, "198.18.64.1/20", aHost, "198.18.64.10/20");
        await NetworkNamespace.ConnectAsync(b, "198.18.80.1/20", bHost, "198.18.80.10/20");
        await GatewayNetwork.Run(aHost, "ip", "route", "add", "198.18.80.0/20", "via", "198.18.64.1");
        await GatewayNetwork.Run(bHost, "ip", "route", "add", "198.18.64.0/20", "via", "198.18.80.1");

        // The keys, with the guide's own keygen commands (Keys) on each side.
        var aDir = Side("a");
        var bDir = Side("b");
        var aTunnel = (await KeygenAsync(aDir, "--out", "/etc/vpngateway/tunnel.json", "--password-file", "/etc/vpngateway/password")).Split('\n')[0].Trim();
        var bTunnel = (await KeygenAsync(bDir, "--out", "/etc/vpngateway/tunnel.json", "--password-file", "/etc/vpngateway/password")).Split('\n')[0].Trim();
        var aAddress = (await KeygenAsync(aDir, "--ethereum", "--out", "/etc/vpngateway/operator.json", "--password-file", "/etc/vpngateway/password")).Trim();
        var bAddress = (await KeygenAsync(bDir, "--ethereum", "--out", "/etc/vpngateway/client.json", "--password-file", "/etc/vpngateway/password")).Trim();

        string Fill(string text, string dir) => text
            .Replace("/etc/vpngateway/", dir + "/", StringComparison.Ordinal)
            .Replace("/var/lib/vpngateway/", dir + "/", StringComparison.Ordinal)
            .Replace("10.1.0.0/16", "198.18.64.0/20", StringComparison.Ordinal)
            .Replace("10.2.0.0/16", "198.18.80.0/20", StringComparison.Ordinal)
            .Replace("<B's tunnel public key>", bTunnel, StringComparison.Ordinal)
            .Replace("<A's tunnel public key>", aTunnel, StringComparison.Ordinal)
            .Replace("0x<B's address>", bAddress, StringComparison.Ordinal)
            .Replace("0x<A's address>", aAddress, StringComparison.Ordinal)
            .Replace("0x<SessionManager address>", "0x00000000000000000000000000000000000000a1", StringComparison.Ordinal)
            .Replace("a.example.com:51820", "198.18.90.2:51820", StringComparison.Ordinal);

        File.WriteAllText(Path.Combine(aDir, "gateway.json"), Fill(blocks[0], aDir));
        File.WriteAllText(Path.Combine(aDir, "b.json"), Fill(blocks[1], aDir));
        File.WriteAllText(Path.Combine(bDir, "gateway.json"), Fill(blocks[2], bDir));
        Assert.DoesNotContain("<", File.ReadAllText(Path.Combine(aDir, "gateway.json")) + File.ReadAllText(Path.Combine(bDir, "gateway.json")), StringComparison.Ordinal);

        var serve = a.StartProcess(Path.Combine(aDir, "gateway.log"), "dotnet", GatewayNetwork.GatewayDll, "serve", "--config", Path.Combine(aDir, "gateway.json"));
        await GatewayNetwork.WaitForLog(Path.Combine(aDir, "gateway.log"), "serving on", TimeSpan.FromSeconds(60));
        var connect = b.StartProcess(Path.Combine(bDir, "gateway.log"), "dotnet", GatewayNetwork.GatewayDll, "connect", "--config", Path.Combine(bDir, "gateway.json"));
        await GatewayNetwork.WaitForLog(Path.Combine(bDir, "gateway.log"), "connected: session 1", TimeSpan.FromSeconds(60));

        var bToA = await bHost.ExecAsync(TimeSpan.FromSeconds(20), "ping", "-c", "3", "-i", "0.3", "-W", "2", "198.18.64.10");
        var aToB = await aHost.ExecAsync(TimeSpan.FromSeconds(20), "ping", "-c", "3", "-i", "0.3", "-W", "2", "198.18.80.10");
        var smb = await bHost.ExecAsync(TimeSpan.FromSeconds(20), "timeout", "3", "bash", "-c", "echo > /dev/tcp/198.18.64.10/445");

        // The first epoch (10 s by default) is checkpointed by A and paid by B.
        var deadline = DateTime.UtcNow.AddSeconds(45);
        double vouchers;
        do
        {
            await Task.Delay(1000);
            var metrics = await a.ExecAsync("curl", "-s", "--max-time", "5", "http://127.0.0.1:9580/metrics");
            vouchers = Metering.Support.MeteredTunnel.Metric(metrics.StandardOutput, "oracle_vpngateway_metering_vouchers_accepted");
        }
        while (vouchers < 1 && DateTime.UtcNow < deadline);
        var logs = string.Join("\n", new[] { aDir, bDir }.Select(d => File.ReadAllText(Path.Combine(d, "gateway.log"))));
        foreach (var process in new[] { connect, serve }.Where(p => !p.HasExited))
        {
            await Metering.Support.MeteredTunnel.TerminateAsync(process);
        }

        Assert.True(bToA.ExitCode == 0, logs);
        Assert.Equal(0, aToB.ExitCode);
        Assert.NotEqual(0, smb.ExitCode); // rule 1 of the guide's policy
        Assert.True(vouchers >= 1, logs);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Side(string name)
    {
        var dir = Path.Combine(_folder, name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "password"), $"documented-example-{name}\n");
        return dir;
    }

    // Runs a keygen command of the guide with its paths under the side's folder; returns what it printed.
    private static async Task<string> KeygenAsync(string dir, params string[] arguments)
    {
        var result = await Oracle.Testing.Commands.RunAsync(TimeSpan.FromSeconds(60),
            ["dotnet", GatewayNetwork.GatewayDll, "keygen", "--light", .. arguments.Select(a => a.Replace("/etc/vpngateway/", dir + "/", StringComparison.Ordinal))]);
        return result.EnsureSuccess().StandardOutput;
    }

    private static List<string> JsonBlockTexts(string markdown) => [.. JsonBlock().Matches(markdown).Select(m => m.Groups[1].Value)];

    private static IEnumerable<JsonDocument> JsonBlocks(string markdown)
        => JsonBlockTexts(markdown).Select(t => JsonDocument.Parse(t, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }));

    [GeneratedRegex("```json\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();
}
