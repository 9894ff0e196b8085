using VpnGateway.Tests.Doubles;
using VpnGateway.Transport;
using VpnGateway.Tun;

namespace VpnGateway.Tests.Tunnel;

/// <summary>The packet path allocates nothing per packet: encrypt-and-send and receive-decrypt-policy-write, measured.</summary>
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

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 200; i++)
        {
            Fill(batch, packet);
            h.Server.SendBatch(session, batch);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
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
        long before = 0;
        for (var b = 0; b < batches; b++)
        {
            if (b == 10)
            {
                before = GC.GetAllocatedBytesForCurrentThread();
            }

            receive.Count = 0;
            for (var i = 0; i < BatchSize; i++)
            {
                receive.Add(captured[(b * BatchSize) + i], source);
            }

            h.Server.ProcessReceived(receive);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.True(serverTun.Discarded >= batches * BatchSize, $"{serverTun.Discarded} packets written");
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
}
