using VpnGateway.Tests.Doubles;
using VpnGateway.Tunnel;

namespace VpnGateway.Tests.Tunnel;

/// <summary>
/// Data of a session whose observers (metering) are still starting: held, bounded, and carried in order through the
/// normal path once the session runs; dropped and counted only over the bound or when the start fails.
/// </summary>
public sealed class SessionStartHoldTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task StartingSessions_PacketsBeforeEitherSideRuns_HeldThenDeliveredInOrder()
    {
        var providerStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clientStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await TunnelHarness.StartServerAsync(x => x.ServerObserver.Starting = _ => providerStarted.Task);
        h.ClientObserver.Starting = _ => clientStarted.Task;
        var client = h.CreateClient(h.ClientKey, h.ServerKey.PublicKey, TunnelHarness.PinnedSession, null);
        var connecting = client.ConnectAsync(CancellationToken.None);
        await TunnelHarness.Until(() => h.Server.Sessions.Any(s => s.Current is not null), "the provider confirmed the keys");

        // A LAN host answers first, while the provider's metering is still starting: the provider holds it.
        var packets = Enumerable.Range(0, 3).Select(i => Packets.Udp("198.18.200.1", "198.19.0.2", 53, (ushort)(40000 + i))).ToList();
        packets.ForEach(h.ServerTun.Inject);
        await TunnelHarness.Until(() => h.Server.HeldWhileStarting == 3, "the provider held the three packets");

        // The provider runs: it sends them; the client, still starting, holds them in turn.
        providerStarted.SetResult();
        await TunnelHarness.Until(() => client.HeldWhileStarting == 3, "the client held the three packets");
        Assert.Empty(h.ClientTun.Written);

        clientStarted.SetResult();
        await connecting.WaitAsync(Wait);
        foreach (var packet in packets)
        {
            Assert.Equal(packet, await h.ClientTun.NextWrittenAsync(Wait));
        }

        // And data flows as usual afterwards, the other way too.
        var query = Packets.Udp("198.19.0.2", "198.18.200.1", 40000, 53);
        h.ClientTun.Inject(query);
        Assert.Equal(query, await h.ServerTun.NextWrittenAsync(Wait));
        Assert.Equal(0, h.Server.Drops.Total);
        Assert.Equal(0, client.Drops.Total);
        Assert.Equal(3, Assert.Single(h.Server.Sessions).TxPackets);
    }

    [Fact]
    public async Task StartingSession_MorePacketsThanTheBound_ExcessDroppedAsQueueFullRestDelivered()
    {
        var providerStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await TunnelHarness.StartServerAsync(x => x.ServerObserver.Starting = _ => providerStarted.Task);
        var client = h.CreateClient(h.ClientKey, h.ServerKey.PublicKey, TunnelHarness.PinnedSession, null);
        var connecting = client.ConnectAsync(CancellationToken.None);
        await TunnelHarness.Until(() => h.Server.Sessions.Any(s => s.Current is not null), "the provider confirmed the keys");

        var packets = Enumerable.Range(0, StartQueue.MaxPackets + 4).Select(i => Packets.Udp("198.18.200.1", "198.19.0.2", 53, (ushort)(40000 + i))).ToList();
        packets.ForEach(h.ServerTun.Inject);
        await TunnelHarness.Until(() => h.Server.Drops[DropReason.SessionStartingQueueFull] == 4, "four packets over the bound dropped");

        providerStarted.SetResult();
        await connecting.WaitAsync(Wait);
        foreach (var packet in packets.Take(StartQueue.MaxPackets))
        {
            Assert.Equal(packet, await h.ClientTun.NextWrittenAsync(Wait));
        }

        Assert.Equal(StartQueue.MaxPackets, h.Server.HeldWhileStarting);
        Assert.Equal(4, h.Server.Drops.Total);
        Assert.Equal(0, h.Server.Drops[DropReason.SessionNotRunning]);
    }

    [Fact]
    public async Task StartingSession_MeteringStartFails_HeldPacketsDroppedAsStartFailedNothingCarried()
    {
        var providerStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await TunnelHarness.StartServerAsync(x => x.ServerObserver.Starting = _ => providerStarted.Task);
        var client = h.CreateClient(h.ClientKey, h.ServerKey.PublicKey, TunnelHarness.PinnedSession, null);
        var connecting = client.ConnectAsync(CancellationToken.None);
        await TunnelHarness.Until(() => h.Server.Sessions.Any(s => s.Current is not null), "the provider confirmed the keys");
        h.ServerTun.Inject(Packets.Udp("198.18.200.1", "198.19.0.2", 53, 40000));
        h.ServerTun.Inject(Packets.Udp("198.18.200.1", "198.19.0.2", 53, 40001));
        await TunnelHarness.Until(() => h.Server.HeldWhileStarting == 2, "two packets held");

        providerStarted.SetException(new InvalidOperationException("the spool is full"));
        await TunnelHarness.Until(() => h.Server.Drops[DropReason.SessionStartFailed] == 2, "the held packets dropped with the session");
        await TunnelHarness.Until(() => h.Server.SessionCount == 0, "the session ended");

        Assert.Equal(0, h.Server.TrafficTotals(bytes: false).Tx);
        Assert.Equal(0, client.TrafficTotals(bytes: false).Rx);
        Assert.False(connecting.IsCompletedSuccessfully);
    }
}
