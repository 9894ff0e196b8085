using VpnGateway.Tests.Doubles;
using VpnGateway.Transport;
using VpnGateway.Tun;

namespace VpnGateway.Tests.Tunnel;

/// <summary>
/// The packet path allocates nothing per packet: encrypt-and-send and receive-decrypt-policy-write, measured. Each path
/// is measured in three rounds and the least is asserted to be zero: a per-packet allocation shows in every round, while a
/// one-off runtime event on the thread (tiered JIT under a loaded machine) does not make the test flaky.
/// </summary>
public sealed class AllocationTests
{
    private const int BatchSize = 64;

    [Fact]
    public async Task SendBatch_ProviderWithPolicy_AllocatesNothingPerPacket()
    {
        await using var h = await TunnelHarness.ConnectedAsync(harness => harness.Options.Timings.PersistentKeepalive = TimeSpan.Zero);
        var session = h.Server.Sessions.Single();
        h.ServerTransport.Discard = true;
        var batch = new PacketBatch(BatchSize, 1420);
        var packet = Packets.Tcp("198.18.200.1", "198.19.0.2", 443, 40000, 1, payload: 1360);

        for (var i = 0; i < 10; i++)
        {
            Fill(batch, packet);
            h.Server.SendBatch(session, batch);
        }

        var allocated = LeastAllocated(() =>
        {
            for (var i = 0; i < 70; i++)
            {
                Fill(batch, packet);
                h.Server.SendBatch(session, batch);
            }
        });

        Assert.Equal(0, allocated);
        Assert.True(h.ServerTransport.Sent >= 210 * BatchSize);
    }

    [Fact]
    public async Task ProcessReceived_DecryptPolicyAndWrite_AllocatesNothingPerPacket()
    {
        await using var h = await TunnelHarness.ConnectedAsync(harness => harness.Options.Timings.PersistentKeepalive = TimeSpan.Zero);
        var clientSession = h.Client.Session!;
        var captured = new List<byte[]>();
        h.ClientTransport.Capture = d => captured.Add(d);
        var send = new PacketBatch(BatchSize, 1420);
        var packet = Packets.Tcp("198.19.0.2", "198.18.200.1", 40000, 443, 1, payload: 1360);
        const int batches = 210;
        for (var i = 0; i < batches; i++)
        {
            Fill(send, packet);
            h.Client.SendBatch(clientSession, send);
        }

        Assert.Equal(batches * BatchSize, captured.Count);
        var serverTun = h.ServerTun;
        serverTun.DiscardWrites = true;
        var receive = new DatagramBatch(2, BatchSize);
        var source = h.ClientTransport.LocalEndpoint;
        var next = 0;
        void Receive(int count)
        {
            for (var end = next + count; next < end; next++)
            {
                receive.Count = 0;
                for (var i = 0; i < BatchSize; i++)
                {
                    receive.Add(captured[(next * BatchSize) + i], source);
                }

                h.Server.ProcessReceived(receive);
            }
        }

        Receive(12);
        var allocated = LeastAllocated(() => Receive(66));

        Assert.Equal(0, allocated);
        Assert.True(serverTun.Discarded >= batches * BatchSize, $"{serverTun.Discarded} packets written");
    }

    [Fact]
    public async Task SendBatch_RateLimitedPacketsReportedToMetering_AllocatesNothingPerPacket()
    {
        var sink = new CountingRateLimitSink();
        await using var h = await TunnelHarness.ConnectedAsync(harness =>
        {
            harness.Options.Timings.PersistentKeepalive = TimeSpan.Zero;
            harness.Policy = Oracle.Core.Policy.PolicyDocument.Parse("""{"version":1,"defaultAction":"allow","rules":[],"rateLimit":{"bytesPerSecond":1000,"burstBytes":3000}}""");
            harness.RateLimitSink = sink;
        });
        var session = h.Server.Sessions.Single();
        h.ServerTransport.Discard = true;
        var batch = new PacketBatch(BatchSize, 1420);
        var packet = Packets.Tcp("198.18.200.1", "198.19.0.2", 443, 40000, 1, payload: 1360);
        var meter = new VpnGateway.Metering.Flows.SessionFlowMeter(7, Oracle.Core.Policy.PrefixSet.Parse("198.19.0.2/32"),
            new VpnGateway.Metering.Flows.FlowTableOptions(), capturesInboundBeforePolicy: true);
        sink.Meter = meter;
        for (var i = 0; i < 10; i++)
        {
            Fill(batch, packet);
            h.Server.SendBatch(session, batch);
        }

        var allocated = LeastAllocated(() =>
        {
            for (var i = 0; i < 70; i++)
            {
                Fill(batch, packet);
                h.Server.SendBatch(session, batch);
            }
        });

        Assert.Equal(0, allocated);
        Assert.True(sink.Count >= 200 * BatchSize, $"{sink.Count} packets reported");
        Assert.True(meter.RateLimited >= 200 * BatchSize);
    }

    private static long LeastAllocated(Action round)
    {
        var least = long.MaxValue;
        for (var r = 0; r < 3; r++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            round();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return least;
    }

    private static void Fill(PacketBatch batch, byte[] packet)
    {
        batch.ResetSlots();
        for (var i = 0; i < BatchSize; i++)
        {
            packet.CopyTo(batch.Buffer.Array.AsSpan(batch.Offsets[i]));
            batch.Lengths[i] = packet.Length;
        }

        batch.Count = BatchSize;
    }

    /// <summary>Counts rate-limited packets and hands them to a flow meter, as metering does.</summary>
    private sealed class CountingRateLimitSink : Oracle.Core.Policy.IPolicyRateLimitSink
    {
        public long Count;

        public VpnGateway.Metering.Flows.SessionFlowMeter? Meter { get; set; }

        public void OnRateLimited(ulong sessionId, ReadOnlySpan<byte> ipPacket, Oracle.Core.Policy.TrafficDirection direction, long unixTimeMilliseconds)
        {
            Count++;
            Meter?.OnRateLimited(ipPacket, direction, unixTimeMilliseconds);
        }
    }
}
