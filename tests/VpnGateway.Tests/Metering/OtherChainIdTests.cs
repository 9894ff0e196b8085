using System.Globalization;
using System.Net;
using System.Numerics;
using System.Text.Json.Nodes;
using Oracle.Chain.Deployment;
using Oracle.Core.Evidence;
using Oracle.Devnet.Runtime;
using Oracle.Testing;
using VpnGateway.Tests.Integration;
using VpnGateway.Tests.Metering.Support;
using VpnGateway.Tests.Providers;

namespace VpnGateway.Tests.Metering;

/// <summary>
/// The gateway on a chain whose id is not Hardhat's 31337: with only <c>Chain:RpcUrl</c> and <c>Chain:Manifest</c> set,
/// the tunnel's authorization (signed by the client, checked by the provider) and metering's checkpoints and vouchers
/// all bind the chain's real id. Before the chain context, the tunnel used 31337 while metering used the manifest's id,
/// so on any other chain every authorization or every voucher failed.
/// </summary>
public sealed class OtherChainIdTests
{
    private const ulong OtherChainId = 1337;
    private static readonly BigInteger Price = BigInteger.Pow(10, 15);

    [Fact]
    public async Task OnChainSession_ChainId1337_ManifestOnly_TunnelConnectsAndVouchersBindTheChainsId()
    {
        var folder = Directory.CreateTempSubdirectory("chain-1337-").FullName;
        await using var node = new HardhatNode(Path.Combine(folder, "hardhat"), RepositoryLayout.Find().ContractsDirectory, chainId: OtherChainId);
        await node.StartAsync();
        var chain = await ChainFixture.ForAsync(node.RpcUrl);
        Assert.Equal(new BigInteger(OtherChainId), chain.ChainId);

        await using var net = await MeteredTunnel.CreateAsync("mci", clients: 1);
        var contracts = await ChainSessions.DeployAsync(chain);
        var manifest = Path.Combine(net.Folder, "network.json");
        contracts.Manifest.Save(manifest);
        var providerTunnel = net.TunnelKey("provider");
        net.TunnelKey("client");
        var provider = await contracts.RegisterProviderAsync(Convert.FromBase64String(providerTunnel), MeteredTunnel.ProviderEndpoint(0), Price);
        var (client, session) = await contracts.OpenSessionAsync(provider.GetPublicAddress(), Price);
        var rpc = new Uri(node.RpcUrl);
        var target = new IPEndPoint(IPAddress.Parse(rpc.Host), rpc.Port);
        net.Keep(NamespacePortForward.Start(net.Provider, 8545, target));
        net.Keep(NamespacePortForward.Start(net.Clients[0], 8545, target));

        var serveConfig = net.ProviderConfig(net.EthereumKey("provider", provider), [], new { Serve = new { Directory = "chain", Policies = new[] { net.ExitPolicy } } });
        serveConfig["Chain"] = ChainSection(manifest, Path.Combine(net.Folder, "provider.eth"), net.PasswordFile);
        var serve = net.Start(net.Provider, "provider", "serve", serveConfig);
        await GatewayNetwork.WaitForLog(net.Log("provider"), "serving on", TimeSpan.FromSeconds(60));
        var clientConfig = net.ClientConfig(0, "client", net.EthereumKey("client", client), session, providerTunnel, provider.GetPublicAddress(),
            new { Connect = new { Provider = provider.GetPublicAddress() } });
        clientConfig["Chain"] = ChainSection(manifest, Path.Combine(net.Folder, "client.eth"), net.PasswordFile);
        var connectSettings = clientConfig["Connect"]!.AsObject();
        connectSettings.Remove("ProviderKey");
        connectSettings.Remove("Endpoint");
        var connect = net.Start(net.Clients[0], "client", "connect", clientConfig);
        await GatewayNetwork.WaitForLog(net.Log("client"), $"connected: session {session}", TimeSpan.FromSeconds(60));

        var ping = await net.Clients[0].ExecAsync(TimeSpan.FromSeconds(30), "sh", "-c", $"ping -c 10 -i 0.1 {MeteredTunnel.InternetHost} >/dev/null && echo ok");
        Assert.Equal("ok", ping.EnsureSuccess().StandardOutput.Trim());
        await MeteredTunnel.UntilAsync(async () =>
        {
            var metrics = await MeteredTunnel.MetricsAsync(net.Provider, MeteredTunnel.ProviderMetrics);
            return MeteredTunnel.Metric(metrics, "oracle_vpngateway_metering_checkpoints") >= 1
                && MeteredTunnel.Metric(metrics, "oracle_vpngateway_metering_vouchers_accepted") >= MeteredTunnel.Metric(metrics, "oracle_vpngateway_metering_checkpoints");
        }, TimeSpan.FromSeconds(30), () => net.LogText("provider") + net.LogText("client"));
        await MeteredTunnel.TerminateAsync(connect);
        await MeteredTunnel.TerminateAsync(serve);

        var batches = net.ProviderSpoolEntries().Where(e => e.SessionId == session).Select(e => e.Batch!).ToList();
        Assert.NotEmpty(batches);
        Assert.All(batches, b =>
        {
            Assert.Equal(OtherChainId, b.ChainId);
            Assert.Equal(contracts.SessionManager, b.SessionManager);
            Assert.Equal(client.GetPublicAddress(), b.Client);
            Assert.Equal(EvidenceBatchError.None, EvidenceBatchVerifier.Verify(b).Error);
            Assert.Equal(VoucherPricing.AmountFor(b.Voucher!.CumulativeBytes, Price).ToString(CultureInfo.InvariantCulture), b.Voucher.CumulativeAmount);
        });
        Directory.Delete(folder, recursive: true);
    }

    // Only the node and the manifest: the chain id comes from the node (and must match the manifest's).
    private static JsonObject ChainSection(string manifest, string keystore, string passwordFile)
        => MeteredTunnel.Json(new { RpcUrl = "http://127.0.0.1:8545", Manifest = manifest, Keystore = keystore, PasswordFile = passwordFile });
}
