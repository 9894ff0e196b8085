using System.Diagnostics;
using Oracle.Chain.Keys;
using Oracle.Core.Evidence;
using Oracle.Testing;
using VpnGateway.Hosting;
using VpnGateway.Metering.Spool;
using VpnGateway.Tests.Metering.Support;

namespace VpnGateway.Tests.Metering;

/// <summary>
/// How metered sessions end on the real tunnel (<c>vpngateway serve</c> and <c>connect</c> in namespaces): a client that
/// stops paying is cut off after the grace while a paying one keeps its session; every ending gives the last epoch its
/// checkpoint and the client's voucher before the control channel closes; a client that does not answer does not stall
/// the provider's shutdown.
/// </summary>
public sealed class MeteringSessionEndTests
{
    private static readonly TimeSpan Start = TimeSpan.FromSeconds(60);

    // Flows that stay open across the shutdown (the tests' default 1 s idle / 2 s active timeouts can close a ping flow
    // between its last packet and the ending's flush on a busy machine), on both sides so their records agree.
    private static readonly object SlowerFlows = new { Metering = new { Flows = new { IdleTimeout = "00:00:05", ActiveTimeout = "00:00:05" } } };

    [Fact]
    public async Task CutOff_ClientWithholdsVouchers_LosesItsSessionAfterTheGraceWhileThePayingClientKeepsIt()
    {
        await using var net = await MeteredTunnel.CreateAsync("mse", clients: 2);
        var (payer, withholder) = (SignedBatches.UniqueSessionId() % 1_000_000_000, (SignedBatches.UniqueSessionId() % 1_000_000_000) + 1);
        var provider = DevelopmentKeys.Key(30);
        var providerTunnel = net.TunnelKey("provider");
        var serve = net.Start(net.Provider, "provider", "serve", net.ProviderConfig(net.EthereumKey("provider", provider),
        [
            Session(net, payer, "payer", DevelopmentKeys.Key(31)),
            Session(net, withholder, "withholder", DevelopmentKeys.Key(32)),
        ], new { Metering = new { VoucherGrace = "00:00:04" } }));
        await WaitForLogAsync(net, "provider", "serving on");
        var payerConfig = net.ClientConfig(0, "payer", net.EthereumKey("payer", DevelopmentKeys.Key(31)), payer, providerTunnel, provider.GetPublicAddress());
        var withholderConfig = net.ClientConfig(1, "withholder", net.EthereumKey("withholder", DevelopmentKeys.Key(32)), withholder, providerTunnel, provider.GetPublicAddress(),
            new { Metering = new { WithholdVouchers = true } });
        var paying = net.Start(net.Clients[0], "payer", "connect", payerConfig);
        var withholding = net.Start(net.Clients[1], "withholder", "connect", withholderConfig);
        await WaitForLogAsync(net, "payer", $"connected: session {payer}");
        await WaitForLogAsync(net, "withholder", $"connected: session {withholder}");
        net.Clients[0].StartProcess(net.Log("payer-ping"), "ping", "-i", "0.2", MeteredTunnel.InternetHost);
        net.Clients[1].StartProcess(net.Log("withholder-ping"), "ping", "-i", "0.2", MeteredTunnel.InternetHost);

        // The withholder's first checkpoint stays unpaid for the 4 s grace: the provider ends its session, the client exits.
        await withholding.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(GatewayHostedService.SessionClosedExitCode, withholding.ExitCode);
        Assert.Contains("no valid voucher", net.LogText("withholder"), StringComparison.Ordinal);
        await MeteredTunnel.UntilAsync(async () => (await MeteredTunnel.SessionsAsync(net.Provider, MeteredTunnel.ProviderMetrics)).SequenceEqual([payer]),
            TimeSpan.FromSeconds(20), () => net.LogText("provider"));
        Assert.Equal(1, await MeteredTunnel.DevicesAsync(net.Provider, "omp"));

        // The paying client keeps its session well past the grace, and cannot be replaced by the cut-off one reconnecting.
        await Task.Delay(TimeSpan.FromSeconds(5));
        var ping = await net.Clients[0].ExecAsync(TimeSpan.FromSeconds(20), "ping", "-c", "3", "-i", "0.3", "-W", "2", MeteredTunnel.InternetHost);
        Assert.Equal(0, ping.ExitCode);
        Assert.Equal([payer], await MeteredTunnel.SessionsAsync(net.Provider, MeteredTunnel.ProviderMetrics));
        var again = net.Start(net.Clients[1], "withholder-again", "connect", withholderConfig);
        await again.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("NotPermitted", net.LogText("withholder-again"), StringComparison.Ordinal);
        Assert.Contains($"no successor: session {withholder} of the link ended with a checkpoint unpaid", net.LogText("provider"), StringComparison.Ordinal);
        var metrics = await MeteredTunnel.MetricsAsync(net.Provider, MeteredTunnel.ProviderMetrics);
        Assert.Equal(1, MeteredTunnel.Metric(metrics, "oracle_vpngateway_metering_sessions_cut_off"));

        // The paying client disconnects while its ping runs: the provider's last checkpoint is paid before the channel closes.
        await MeteredTunnel.TerminateAsync(paying);
        Assert.Equal(0, paying.ExitCode);
        await MeteredTunnel.TerminateAsync(serve);

        var spool = net.ProviderSpoolEntries();
        var paid = spool.Where(e => e.SessionId == payer).ToList();
        Assert.True(paid.Count >= 3, $"{paid.Count} batches of the paying session");
        Assert.All(paid, e => Assert.NotNull(e.Batch!.Voucher));
        // The ending's last checkpoint (open flows force-ended, unless the tests' 1-2 s flow timeouts closed them first)
        // was answered before Close: the provider did not have to publish it without a voucher.
        Assert.DoesNotContain($"session {payer}: the client did not answer the last checkpoint", net.LogText("provider"), StringComparison.Ordinal);
        Assert.Contains(spool, e => e.SessionId == withholder);
        Assert.All(spool.Where(e => e.SessionId == withholder), e => Assert.Null(e.Batch!.Voucher));
    }

    [Fact]
    public async Task Shutdown_ProviderStops_LiveClientPaysTheLastEpochAndAFrozenClientDoesNotStallIt()
    {
        await using var net = await MeteredTunnel.CreateAsync("msh", clients: 2);
        var (live, frozen) = (SignedBatches.UniqueSessionId() % 1_000_000_000, (SignedBatches.UniqueSessionId() % 1_000_000_000) + 1);
        var provider = DevelopmentKeys.Key(33);
        var providerTunnel = net.TunnelKey("provider");
        var serve = net.Start(net.Provider, "provider", "serve", net.ProviderConfig(net.EthereumKey("provider", provider),
        [
            Session(net, live, "live", DevelopmentKeys.Key(34)),
            Session(net, frozen, "frozen", DevelopmentKeys.Key(35)),
        ], SlowerFlows));
        await WaitForLogAsync(net, "provider", "serving on");
        var liveClient = net.Start(net.Clients[0], "live", "connect",
            net.ClientConfig(0, "live", net.EthereumKey("live", DevelopmentKeys.Key(34)), live, providerTunnel, provider.GetPublicAddress(), SlowerFlows));
        var frozenClient = net.Start(net.Clients[1], "frozen", "connect",
            net.ClientConfig(1, "frozen", net.EthereumKey("frozen", DevelopmentKeys.Key(35)), frozen, providerTunnel, provider.GetPublicAddress(), SlowerFlows));
        await WaitForLogAsync(net, "live", $"connected: session {live}");
        await WaitForLogAsync(net, "frozen", $"connected: session {frozen}");
        net.Clients[0].StartProcess(net.Log("live-ping"), "ping", "-i", "0.2", MeteredTunnel.InternetHost);
        net.Clients[1].StartProcess(net.Log("frozen-ping"), "ping", "-i", "0.2", MeteredTunnel.InternetHost);
        await MeteredTunnel.UntilAsync(async () => MeteredTunnel.Metric(await MeteredTunnel.MetricsAsync(net.Provider, MeteredTunnel.ProviderMetrics),
            "oracle_vpngateway_metering_vouchers_accepted") >= 4, TimeSpan.FromSeconds(30), () => net.LogText("provider"));

        // One client stops answering altogether (SIGSTOP); then the provider shuts down.
        await MeteredTunnel.SignalAsync(frozenClient, "STOP");
        var watch = Stopwatch.StartNew();
        await MeteredTunnel.TerminateAsync(serve);
        watch.Stop();

        Assert.Equal(0, serve.ExitCode);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"the shutdown took {watch.Elapsed} with a frozen client (ending bound 3 s)");
        await liveClient.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(GatewayHostedService.SessionClosedExitCode, liveClient.ExitCode);
        Assert.Contains("shutting down", net.LogText("live"), StringComparison.Ordinal);
        var spool = net.ProviderSpoolEntries();
        var paid = spool.Where(e => e.SessionId == live).ToList();
        Assert.All(paid, e => Assert.NotNull(e.Batch!.Voucher));
        // The flows open at the shutdown went into the last checkpoints: checkpointed at each epoch (active timeout), and
        // what they carried after the last epoch force-ended at the ending (none when no packet came in between).
        Assert.All(LastOf(paid).Records, r => Assert.Contains(Decode(r).EndReason, new[] { FlowEndReason.ActiveTimeout, FlowEndReason.ForcedEnd }));
        // The frozen session's last checkpoint waits unpaid. Its flows were checkpointed every epoch (docs/protocol.md
        // §5.2); a flow that carried packets after the last epoch is force-ended into it.
        var unanswered = LastOf(spool.Where(e => e.SessionId == frozen).ToList());
        Assert.Null(unanswered.Batch!.Voucher);
        Assert.NotEmpty(unanswered.Records);
        Assert.All(unanswered.Records, r => Assert.Contains(Decode(r).EndReason, new[] { FlowEndReason.ActiveTimeout, FlowEndReason.ForcedEnd, FlowEndReason.IdleTimeout }));
    }

    [Fact]
    public async Task PinnedLink_ProviderRestarted_ClientContinuesInTheSuccessorSessionAndPaysFromZero()
    {
        await using var net = await MeteredTunnel.CreateAsync("msr", clients: 1);
        var link = SignedBatches.UniqueSessionId() % 1_000_000_000;
        var successor = VpnGateway.Providers.SessionRecord.GenerationId(link, 1);
        var provider = DevelopmentKeys.Key(36);
        var providerTunnel = net.TunnelKey("provider");
        var providerConfig = net.ProviderConfig(net.EthereumKey("provider", provider), [Session(net, link, "partner", DevelopmentKeys.Key(37))], SlowerFlows);
        var clientConfig = net.ClientConfig(0, "partner", net.EthereumKey("partner", DevelopmentKeys.Key(37)), link, providerTunnel, provider.GetPublicAddress(), SlowerFlows);
        var serve = net.Start(net.Provider, "provider", "serve", providerConfig);
        await WaitForLogAsync(net, "provider", "serving on");
        var client = net.Start(net.Clients[0], "partner", "connect", clientConfig);
        await WaitForLogAsync(net, "partner", $"connected: session {link}");
        net.Clients[0].StartProcess(net.Log("partner-ping"), "ping", "-i", "0.2", MeteredTunnel.InternetHost);
        await MeteredTunnel.UntilAsync(async () => MeteredTunnel.Metric(await MeteredTunnel.MetricsAsync(net.Provider, MeteredTunnel.ProviderMetrics),
            "oracle_vpngateway_metering_vouchers_accepted") >= 2, TimeSpan.FromSeconds(30), () => net.LogText("provider"));

        // The provider restarts (an upgrade): the session ends with its last epoch paid, the client exits (3) and, as its
        // service manager would, starts again with the same configuration.
        await MeteredTunnel.TerminateAsync(serve);
        await client.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(GatewayHostedService.SessionClosedExitCode, client.ExitCode);
        var again = net.Start(net.Provider, "provider-again", "serve", providerConfig);
        await WaitForLogAsync(net, "provider-again", "serving on");
        var partner = net.Start(net.Clients[0], "partner-again", "connect", clientConfig);
        await WaitForLogAsync(net, "partner-again", $"connected: session {successor}");
        var ping = await net.Clients[0].ExecAsync(TimeSpan.FromSeconds(20), "ping", "-c", "5", "-i", "0.3", "-W", "2", MeteredTunnel.InternetHost);
        await MeteredTunnel.UntilAsync(async () => MeteredTunnel.Metric(await MeteredTunnel.MetricsAsync(net.Provider, MeteredTunnel.ProviderMetrics),
            "oracle_vpngateway_metering_vouchers_accepted") >= 2, TimeSpan.FromSeconds(30), () => net.LogText("provider-again"));
        await MeteredTunnel.TerminateAsync(partner);
        await MeteredTunnel.TerminateAsync(again);

        Assert.Equal(0, ping.ExitCode);
        Assert.Contains($"session {link} ended on the provider; its pinned link continues as session {successor}", net.LogText("partner-again"), StringComparison.Ordinal);
        Assert.Contains($"its link continues as session {successor}", net.LogText("provider-again"), StringComparison.Ordinal);
        var spool = net.ProviderSpoolEntries();
        var first = spool.Where(e => e.SessionId == link).ToList();
        var second = spool.Where(e => e.SessionId == successor).ToList();
        Assert.NotEmpty(first);
        Assert.NotEmpty(second);
        Assert.All(first.Concat(second), e => Assert.NotNull(e.Batch!.Voucher));
        // A new log and new cumulative vouchers: nothing of the ended session is counted again or restarted under its id.
        Assert.Empty(first.Select(e => e.Batch!.BatchId).Intersect(second.Select(e => e.Batch!.BatchId)));
        var firstOfSecond = second.MinBy(e => e.TreeSize)!.Batch!;
        Assert.Equal((ulong)firstOfSecond.LeafHashes.Count, firstOfSecond.Checkpoint.TreeSize); // its log started empty
    }

    private static object Session(MeteredTunnel net, ulong id, string name, Nethereum.Signer.EthECKey client)
        => new { Id = id, TunnelKey = net.TunnelKey(name), Client = client.GetPublicAddress(), Policy = net.ExitPolicy };

    private static SpoolEntry LastOf(IReadOnlyList<SpoolEntry> entries)
    {
        Assert.NotEmpty(entries);
        return entries.MaxBy(e => e.TreeSize)!;
    }

    private static FlowRecord Decode(byte[] encoded)
    {
        Assert.Equal(FlowRecordError.None, FlowRecordEncoding.TryDecode(encoded, out var record));
        return record;
    }

    private static Task WaitForLogAsync(MeteredTunnel net, string name, string text)
        => Integration.GatewayNetwork.WaitForLog(net.Log(name), text, Start);
}
