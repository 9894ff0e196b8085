using System.Globalization;
using System.Net;
using System.Numerics;
using System.Text.Json.Nodes;
using Nethereum.Signer;
using Oracle.Core.Evidence;
using Oracle.Testing;
using VpnGateway.Tests.Integration;
using VpnGateway.Tests.Metering.Support;
using VpnGateway.Tests.Providers;

namespace VpnGateway.Tests.Metering;

/// <summary>
/// An on-chain session on the real tunnel and the real local chain: the provider registered in the ProviderRegistry
/// serves with the chain directory, the client opened the session in the SessionManager and finds the provider there.
/// Both gateways meter with the session's price and parties as the SessionManager committed them, whatever the
/// configuration says (its price and provider address are for pinned links only).
/// </summary>
[Collection(ChainCollection.Name)]
public sealed class ChainTermsMeteringTests(ChainFixture chain)
{
    private static readonly BigInteger ChainPrice = BigInteger.Pow(10, 15);

    [Fact]
    public async Task OnChainSession_BothGateways_MeterAtTheSessionsPriceAgainstItsProvider()
    {
        await using var net = await MeteredTunnel.CreateAsync("mct", clients: 1);
        var contracts = await ChainSessions.DeployAsync(chain);
        var providerTunnel = net.TunnelKey("provider");
        net.TunnelKey("client"); // not pinned: the client proves the session with its Ethereum key
        var provider = await contracts.RegisterProviderAsync(Convert.FromBase64String(providerTunnel), MeteredTunnel.ProviderEndpoint(0), ChainPrice);
        var (client, session) = await contracts.OpenSessionAsync(provider.GetPublicAddress(), ChainPrice);
        var rpc = new Uri(chain.RpcUrl);
        var target = new IPEndPoint(IPAddress.Parse(rpc.Host), rpc.Port);
        net.Keep(NamespacePortForward.Start(net.Provider, 8545, target));
        net.Keep(NamespacePortForward.Start(net.Clients[0], 8545, target));
        var chainSettings = new { RpcUrl = "http://127.0.0.1:8545", Contracts = new { contracts.SessionManager, ProviderRegistry = contracts.Registry } };

        // The configuration's price (1000) and provider address (a stranger) would be wrong for this session: ignored.
        var serve = net.Start(net.Provider, "provider", "serve", net.ProviderConfig(net.EthereumKey("provider", provider), [],
            new { Chain = chainSettings, Serve = new { Directory = "chain", Policies = new[] { net.ExitPolicy } } }));
        await GatewayNetwork.WaitForLog(net.Log("provider"), "serving on", TimeSpan.FromSeconds(60));
        var clientConfig = net.ClientConfig(0, "client", net.EthereumKey("client", client), session, providerTunnel, EthECKey.GenerateKey().GetPublicAddress(),
            new { Chain = chainSettings, Connect = new { Provider = provider.GetPublicAddress() } });
        var connectSettings = clientConfig["Connect"]!.AsObject();
        connectSettings.Remove("ProviderKey"); // key and endpoint come from the ProviderRegistry
        connectSettings.Remove("Endpoint");
        var connect = net.Start(net.Clients[0], "client", "connect", clientConfig);
        await GatewayNetwork.WaitForLog(net.Log("client"), $"connected: session {session}", TimeSpan.FromSeconds(60));

        var curl = await net.Clients[0].ExecAsync(TimeSpan.FromSeconds(30), "sh", "-c", $"ping -c 20 -i 0.1 {MeteredTunnel.InternetHost} >/dev/null && echo ok");
        Assert.Equal("ok", curl.EnsureSuccess().StandardOutput.Trim());
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
            Assert.Equal(provider.GetPublicAddress(), b.Gateway);
            Assert.Equal(client.GetPublicAddress(), b.Client);
            Assert.Equal(contracts.SessionManager, b.SessionManager);
            Assert.Equal(EvidenceBatchError.None, EvidenceBatchVerifier.Verify(b).Error);
            var voucher = b.Voucher!;
            Assert.True(voucher.CumulativeBytes > 0);
            Assert.Equal(VoucherPricing.AmountFor(voucher.CumulativeBytes, ChainPrice).ToString(CultureInfo.InvariantCulture), voucher.CumulativeAmount);
        });
    }
}
