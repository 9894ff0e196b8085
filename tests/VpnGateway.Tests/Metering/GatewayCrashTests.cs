using System.Net;
using Oracle.Chain.Keys;
using Oracle.Core.Evidence;
using Oracle.Core.Merkle;
using Oracle.Testing;
using VpnGateway.Metering.Spool;
using VpnGateway.Tests.Integration;
using VpnGateway.Tests.Metering.Support;

namespace VpnGateway.Tests.Metering;

/// <summary>
/// A real provider gateway (<c>vpngateway serve</c>, in a namespace, a client connected and paying) killed with SIGKILL
/// mid-epoch while the collector had not acknowledged its last batches, then restarted on the same spool: nothing
/// spooled is lost, the session's log continues (the client reconnects, its control channel carries on with the new
/// incarnation, and it pays every checkpoint), and the collector stores every batch once (count and hash check).
/// </summary>
public sealed class GatewayCrashTests(RabbitMqFixture rabbit) : IClassFixture<RabbitMqFixture>
{
    [Fact]
    public async Task Serve_KilledMidEpochWithUnacknowledgedBatches_RestartedOnTheSameSpool_EveryBatchStoredOnce()
    {
        await using var net = await MeteredTunnel.CreateAsync("mgk", clients: 1);
        var session = SignedBatches.UniqueSessionId() % 1_000_000_000;
        var batches = new System.Collections.Concurrent.ConcurrentDictionary<Guid, EvidenceBatch>();
        var inbox = new EvidenceInbox(session) { Silent = true, OnFirstDelivery = b => batches.TryAdd(b.BatchId, b) };
        using var consumer = BusHosts.Create(rabbit.AmqpUrl, RabbitMqFixture.UniqueName("evidence-kill"), inbox);
        await consumer.StartAsync();
        var amqp = new Uri(rabbit.AmqpUrl);
        net.Keep(NamespacePortForward.Start(net.Provider, 5672, new IPEndPoint(IPAddress.Parse(amqp.Host), amqp.Port)));

        var provider = DevelopmentKeys.Key(42);
        var client = DevelopmentKeys.Key(43);
        var providerTunnel = net.TunnelKey("provider");
        var providerConfig = net.ProviderConfig(net.EthereumKey("provider", provider),
            [new { Id = session, TunnelKey = net.TunnelKey("client"), Client = client.GetPublicAddress(), Policy = net.ExitPolicy, Address = "198.19.210.2" }],
            new
            {
                Bus = new { Url = new UriBuilder(amqp) { Host = "127.0.0.1", Port = 5672 }.Uri.ToString() },
                Metering = new { AcknowledgementTimeout = "00:00:02", MaxAcknowledgementTimeout = "00:00:04", RetryDelay = "00:00:00.200", MaxRetryDelay = "00:00:02" },
            });
        var first = net.Start(net.Provider, "provider", "serve", providerConfig);
        await GatewayNetwork.WaitForLog(net.Log("provider"), "serving on", TimeSpan.FromSeconds(60));
        var connect = net.Start(net.Clients[0], "client", "connect", net.ClientConfig(0, "client", net.EthereumKey("client", client), session, providerTunnel,
            provider.GetPublicAddress(), new { Tunnel = new { KeepaliveSeconds = 2, RekeyTimeoutSeconds = 2 } }));
        await GatewayNetwork.WaitForLog(net.Log("client"), $"connected: session {session}", TimeSpan.FromSeconds(60));
        net.Clients[0].StartProcess(net.Log("ping"), "ping", "-i", "0.2", MeteredTunnel.InternetHost);

        // The collector stores the batches but its answers are lost: they stay in the gateway's spool. Then SIGKILL, mid-epoch.
        await MeteredTunnel.UntilAsync(() => Task.FromResult(inbox.Batches.Count >= 3), TimeSpan.FromSeconds(60), () => net.LogText("provider"));
        var checkpoints = await CheckpointsAsync(net);
        await MeteredTunnel.UntilAsync(async () => await CheckpointsAsync(net) > checkpoints, TimeSpan.FromSeconds(30), () => net.LogText("provider"));
        await Task.Delay(500);
        first.Kill();
        await first.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var spooledAtKill = net.ProviderSpoolEntries().Where(e => e.SessionId == session).ToList();
        Assert.True(spooledAtKill.Count >= 3, $"{spooledAtKill.Count} batches spooled at the kill");
        Assert.All(spooledAtKill, e => Assert.NotEqual(SpoolState.Rejected, e.State));

        // Restart on the same spool; the collector answers again. The client reconnects and keeps paying.
        inbox.Silent = false;
        var second = net.Start(net.Provider, "provider-restarted", "serve", providerConfig);
        await GatewayNetwork.WaitForLog(net.Log("provider-restarted"), "serving on", TimeSpan.FromSeconds(60));
        await GatewayNetwork.WaitForLog(net.Log("provider-restarted"), "log continues at", TimeSpan.FromSeconds(60));
        var resumedAt = await CheckpointsAsync(net);
        await MeteredTunnel.UntilAsync(async () => await CheckpointsAsync(net) >= resumedAt + 2, TimeSpan.FromSeconds(30), () => net.LogText("provider-restarted"));
        await MeteredTunnel.TerminateAsync(connect);
        await MeteredTunnel.UntilAsync(async () => MeteredTunnel.Metric(await MeteredTunnel.MetricsAsync(net.Provider, MeteredTunnel.ProviderMetrics),
            "oracle_vpngateway_metering_spool_pending") == 0, TimeSpan.FromSeconds(60), () => net.LogText("provider-restarted"));
        await MeteredTunnel.TerminateAsync(second);
        await consumer.StopAsync();

        // Everything spooled at the kill arrived, as spooled; every batch was stored once; the log is one unbroken chain.
        foreach (var entry in spooledAtKill)
        {
            Assert.True(inbox.Batches.TryGetValue(entry.BatchId, out var stored), $"batch {entry.BatchId} (tree size {entry.TreeSize}) lost");
            Assert.Equal(SignedBatches.Hash(entry.Batch!), stored.Hash);
        }

        Assert.Equal(inbox.Batches.Count, inbox.Received.Count);
        Assert.True(inbox.Duplicates >= 1, "the unacknowledged batches were published again");
        Assert.All(inbox.Batches.Values, b => Assert.Equal(EvidenceBatchError.None, b.Error));
        var tree = new MerkleTree();
        foreach (var batch in batches.Values.OrderBy(b => b.FirstLeafIndex))
        {
            Assert.Equal(tree.Size, batch.FirstLeafIndex);
            foreach (var leafHash in batch.LeafHashes)
            {
                tree.AppendLeafHash(leafHash);
            }

            Assert.Equal(tree.Root(), batch.Checkpoint.Root);
        }

        Assert.True(tree.Size > spooledAtKill.Max(e => e.TreeSize), "the log continued after the restart");
        Assert.All(batches.Values, b => Assert.NotNull(b.Voucher)); // the client went on paying the restarted gateway
        Assert.DoesNotContain("cutting the client off", net.LogText("provider-restarted"), StringComparison.Ordinal);
        Assert.Empty(net.ProviderSpoolEntries());
    }

    private static async Task<double> CheckpointsAsync(MeteredTunnel net)
        => MeteredTunnel.Metric(await MeteredTunnel.MetricsAsync(net.Provider, MeteredTunnel.ProviderMetrics), "oracle_vpngateway_metering_checkpoints");
}
