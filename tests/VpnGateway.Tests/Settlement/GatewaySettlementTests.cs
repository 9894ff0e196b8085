using System.Globalization;
using System.Net;
using System.Numerics;
using Nethereum.Signer;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Chain.Contracts.VpnToken;
using Oracle.Chain.Model;
using Oracle.Testing;
using VpnGateway.Metering.Spool;
using VpnGateway.Tests.Integration;
using VpnGateway.Tests.Metering.Support;
using VpnGateway.Tests.Providers;

namespace VpnGateway.Tests.Settlement;

/// <summary>
/// A metered on-chain session between two real gateways in namespaces, on the real local chain: when the client
/// disconnects, the session is closed on-chain, the provider is paid exactly the last voucher and the client gets the
/// rest of its deposit back — nobody runs a command.
/// </summary>
[Collection(ChainCollection.Name)]
public sealed class GatewaySettlementTests(ChainFixture chain)
{
    private static readonly BigInteger ChainPrice = BigInteger.Pow(10, 15);

    [Fact]
    public async Task MeteredSession_ClientDisconnects_ProviderPaidTheLastVoucherAndClientRefundedTheRest()
    {
        await using var net = await MeteredTunnel.CreateAsync("mst", clients: 1);
        var contracts = await ChainSessions.DeployAsync(chain);
        var providerTunnel = net.TunnelKey("provider");
        net.TunnelKey("client");
        var provider = await contracts.RegisterProviderAsync(Convert.FromBase64String(providerTunnel), MeteredTunnel.ProviderEndpoint(0), ChainPrice);
        var (client, session) = await contracts.OpenSessionAsync(provider.GetPublicAddress(), ChainPrice);
        var token = new VpnTokenService(chain.ReadOnly, contracts.TokenAddress);
        var providerBefore = await token.BalanceOfQueryAsync(provider.GetPublicAddress());
        var clientBefore = await token.BalanceOfQueryAsync(client.GetPublicAddress());
        var rpc = new Uri(chain.RpcUrl);
        var target = new IPEndPoint(IPAddress.Parse(rpc.Host), rpc.Port);
        net.Keep(NamespacePortForward.Start(net.Provider, 8545, target));
        net.Keep(NamespacePortForward.Start(net.Clients[0], 8545, target));
        var chainSettings = new { RpcUrl = "http://127.0.0.1:8545", Contracts = new { contracts.SessionManager, ProviderRegistry = contracts.Registry } };

        var serve = net.Start(net.Provider, "provider", "serve", net.ProviderConfig(net.EthereumKey("provider", provider), [],
            new { Chain = chainSettings, Serve = new { Directory = "chain", Policies = new[] { net.ExitPolicy } }, Settlement = new { Interval = "00:00:02" } }));
        await GatewayNetwork.WaitForLog(net.Log("provider"), "serving on", TimeSpan.FromSeconds(60));
        var clientConfig = net.ClientConfig(0, "client", net.EthereumKey("client", client), session, providerTunnel, EthECKey.GenerateKey().GetPublicAddress(),
            new { Chain = chainSettings, Connect = new { Provider = provider.GetPublicAddress() }, Settlement = new { CooperativeCloseWait = "00:00:20" } });
        var connectSettings = clientConfig["Connect"]!.AsObject();
        connectSettings.Remove("ProviderKey");
        connectSettings.Remove("Endpoint");
        var connect = net.Start(net.Clients[0], "client", "connect", clientConfig);
        await GatewayNetwork.WaitForLog(net.Log("client"), $"connected: session {session}", TimeSpan.FromSeconds(60));

        var ping = await net.Clients[0].ExecAsync(TimeSpan.FromSeconds(30), "sh", "-c", $"ping -c 30 -s 1200 -i 0.05 {MeteredTunnel.InternetHost} >/dev/null && echo ok");
        Assert.Equal("ok", ping.EnsureSuccess().StandardOutput.Trim());
        await MeteredTunnel.UntilAsync(async () =>
        {
            var metrics = await MeteredTunnel.MetricsAsync(net.Provider, MeteredTunnel.ProviderMetrics);
            return MeteredTunnel.Metric(metrics, "oracle_vpngateway_metering_checkpoints") >= 1
                && MeteredTunnel.Metric(metrics, "oracle_vpngateway_metering_vouchers_accepted") >= MeteredTunnel.Metric(metrics, "oracle_vpngateway_metering_checkpoints");
        }, TimeSpan.FromSeconds(30), () => net.LogText("provider") + net.LogText("client"));

        // The client disconnects: its session ends with a last voucher, the provider closes it on-chain.
        await MeteredTunnel.TerminateAsync(connect);
        var manager = new SessionManagerService(chain.ReadOnly, contracts.SessionManager);
        await MeteredTunnel.UntilAsync(async () => (SessionStatus)(await manager.SessionStateQueryAsync(session)).State.Status == SessionStatus.Closed,
            TimeSpan.FromSeconds(30), () => net.LogText("provider") + net.LogText("client"));
        await MeteredTunnel.TerminateAsync(serve);

        using var spool = EvidenceSpool.Open(net.ProviderSpool);
        var entry = spool.Settlement(session)!;
        var last = BigInteger.Parse(entry.Voucher!.CumulativeAmount, CultureInfo.InvariantCulture);
        Assert.True(last > 0, "the session was paid for");
        Assert.True(entry.Closed);
        Assert.Equal(last, entry.RedeemedAmount);
        Assert.Equal(last, await token.BalanceOfQueryAsync(provider.GetPublicAddress()) - providerBefore);
        Assert.Equal(5 * ChainSessions.Token - last, await token.BalanceOfQueryAsync(client.GetPublicAddress()) - clientBefore);
        // The last voucher the client signed is the one the provider redeemed.
        var lastBatch = net.ProviderSpoolEntries().Where(e => e.SessionId == session && e.Batch?.Voucher is not null).Select(e => e.Batch!.Voucher!).MaxBy(v => v.LogSize);
        Assert.True(lastBatch is null || BigInteger.Parse(lastBatch.CumulativeAmount, CultureInfo.InvariantCulture) <= last);
        Assert.Contains("is closed on-chain", net.LogText("client"), StringComparison.Ordinal);
        Assert.DoesNotContain("starting a unilateral close", net.LogText("client"), StringComparison.Ordinal); // the provider closed it
    }

    [Fact]
    public async Task ProviderKilled_ClientStartsCloseOnDisconnect_RestartedProviderAnswersWithTheSpooledVoucher()
    {
        await using var net = await MeteredTunnel.CreateAsync("msk", clients: 1);
        var contracts = await ChainSessions.DeployAsync(chain);
        var providerTunnel = net.TunnelKey("provider");
        net.TunnelKey("client");
        var provider = await contracts.RegisterProviderAsync(Convert.FromBase64String(providerTunnel), MeteredTunnel.ProviderEndpoint(0), ChainPrice);
        var (client, session) = await contracts.OpenSessionAsync(provider.GetPublicAddress(), ChainPrice);
        var token = new VpnTokenService(chain.ReadOnly, contracts.TokenAddress);
        var providerBefore = await token.BalanceOfQueryAsync(provider.GetPublicAddress());
        var clientBefore = await token.BalanceOfQueryAsync(client.GetPublicAddress());
        var rpc = new Uri(chain.RpcUrl);
        var target = new IPEndPoint(IPAddress.Parse(rpc.Host), rpc.Port);
        net.Keep(NamespacePortForward.Start(net.Provider, 8545, target));
        net.Keep(NamespacePortForward.Start(net.Clients[0], 8545, target));
        var chainSettings = new { RpcUrl = "http://127.0.0.1:8545", Contracts = new { contracts.SessionManager, ProviderRegistry = contracts.Registry } };
        var providerConfig = net.ProviderConfig(net.EthereumKey("provider", provider), [],
            new { Chain = chainSettings, Serve = new { Directory = "chain", Policies = new[] { net.ExitPolicy } }, Settlement = new { Interval = "00:00:02" } });
        var first = net.Start(net.Provider, "provider", "serve", providerConfig);
        await GatewayNetwork.WaitForLog(net.Log("provider"), "serving on", TimeSpan.FromSeconds(60));
        var clientConfig = net.ClientConfig(0, "client", net.EthereumKey("client", client), session, providerTunnel, EthECKey.GenerateKey().GetPublicAddress(),
            new { Chain = chainSettings, Connect = new { Provider = provider.GetPublicAddress() }, Settlement = new { CooperativeCloseWait = "00:00:02" } });
        var connectSettings = clientConfig["Connect"]!.AsObject();
        connectSettings.Remove("ProviderKey");
        connectSettings.Remove("Endpoint");
        var connect = net.Start(net.Clients[0], "client", "connect", clientConfig);
        await GatewayNetwork.WaitForLog(net.Log("client"), $"connected: session {session}", TimeSpan.FromSeconds(60));
        var ping = await net.Clients[0].ExecAsync(TimeSpan.FromSeconds(30), "sh", "-c", $"ping -c 30 -s 1200 -i 0.05 {MeteredTunnel.InternetHost} >/dev/null && echo ok");
        Assert.Equal("ok", ping.EnsureSuccess().StandardOutput.Trim());
        await MeteredTunnel.UntilAsync(async () =>
        {
            var metrics = await MeteredTunnel.MetricsAsync(net.Provider, MeteredTunnel.ProviderMetrics);
            return MeteredTunnel.Metric(metrics, "oracle_vpngateway_metering_vouchers_accepted") >= 2;
        }, TimeSpan.FromSeconds(30), () => net.LogText("provider") + net.LogText("client"));

        // The provider dies; the client disconnects and, with no provider to close the session, starts a unilateral close.
        first.Kill();
        await first.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        using (var spool = EvidenceSpool.Open(net.ProviderSpool))
        {
            Assert.NotNull(spool.LatestVoucher(session)); // kept through the crash
        }

        await MeteredTunnel.TerminateAsync(connect);
        var manager = new SessionManagerService(chain.ReadOnly, contracts.SessionManager);
        Assert.Equal(SessionStatus.Closing, (SessionStatus)(await manager.SessionStateQueryAsync(session)).State.Status);
        Assert.Contains("starting a unilateral close", net.LogText("client"), StringComparison.Ordinal);

        // Restarted on its spool, the provider sees the CloseStarted event and answers with the latest voucher it kept.
        var second = net.Start(net.Provider, "provider-restarted", "serve", providerConfig);
        await MeteredTunnel.UntilAsync(async () => (SessionStatus)(await manager.SessionStateQueryAsync(session)).State.Status == SessionStatus.Closed,
            TimeSpan.FromSeconds(60), () => net.LogText("provider-restarted"));
        await MeteredTunnel.TerminateAsync(second);

        using var reopened = EvidenceSpool.Open(net.ProviderSpool);
        var entry = reopened.Settlement(session)!;
        var last = BigInteger.Parse(entry.Voucher!.CumulativeAmount, CultureInfo.InvariantCulture);
        Assert.True(last > 0);
        Assert.True(entry.Closed);
        Assert.Equal(last, await token.BalanceOfQueryAsync(provider.GetPublicAddress()) - providerBefore);
        Assert.Equal(5 * ChainSessions.Token - last, await token.BalanceOfQueryAsync(client.GetPublicAddress()) - clientBefore);
    }
}
