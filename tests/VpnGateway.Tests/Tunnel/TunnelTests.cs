using Oracle.Core.Policy;
using VpnGateway.Sessions;
using VpnGateway.Tests.Doubles;
using VpnGateway.Tunnel;

namespace VpnGateway.Tests.Tunnel;

public sealed class TunnelTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Connect_PinnedSession_PacketsFlowBothWays()
    {
        await using var h = await TunnelHarness.ConnectedAsync();
        var outbound = Packets.Udp("198.19.0.2", "198.18.200.1", 40000, 53);

        h.ClientTun.Inject(outbound);
        var atProvider = await h.ServerTun.NextWrittenAsync(Wait);
        var reply = Packets.Udp("198.18.200.1", "198.19.0.2", 53, 40000, payload: 100);
        h.ServerTun.Inject(reply);
        var atClient = await h.ClientTun.NextWrittenAsync(Wait);

        Assert.Equal(outbound, atProvider);
        Assert.Equal(reply, atClient);
        Assert.Contains(h.ServerNetwork.Actions, a => a == "address ogw1 198.19.0.1/24"); // one device for every session, the pool on-link
        Assert.Contains(h.ClientNetwork.Actions, a => a == "route 0.0.0.0/1 dev orc1");
        Assert.Contains(h.ClientNetwork.Actions, a => a == "pin 198.18.0.2");
    }

    [Fact]
    public async Task Connect_ObserversSeeSessionWithItsInterface()
    {
        await using var h = await TunnelHarness.ConnectedAsync();

        var started = Assert.Single(h.ServerObserver.Started);

        Assert.Equal(TunnelHarness.PinnedSession, started.SessionId);
        Assert.Equal(GatewayRole.Provider, started.Role);
        Assert.Equal("ogw1", started.InterfaceName);
        Assert.Equal("198.19.0.2/32", started.ClientPrefixes[0].ToString());
        Assert.Equal(PolicyDocument.DefaultExit.HashHex, started.PolicyHash);
        Assert.Equal(PolicyDocument.DefaultExit.HashHex, Assert.Single(h.ClientObserver.Started).PolicyHash);
    }

    [Fact]
    public async Task Connect_ProviderSendsSessionInfoWithPolicyContext()
    {
        await using var h = await TunnelHarness.ConnectedAsync();

        await TunnelHarness.Until(() => h.Client.SessionInfo is not null, "SessionInfo control message");

        var info = h.Client.SessionInfo!;
        Assert.Equal(TunnelHarness.PinnedSession, info.SessionId);
        Assert.Equal(PolicyDocument.DefaultExit.HashHex, info.PolicyHash);
        Assert.Contains("198.18.10.0/24", info.ProviderNetworks);
        Assert.Equal(PolicyDocument.DefaultExit.HashHex, PolicyDocument.Parse(info.Policy).HashHex);
    }

    [Fact]
    public async Task ControlChannel_MeteringMessagesBothWays_DeliveredInOrderThroughTheTunnel()
    {
        await using var h = await TunnelHarness.ConnectedAsync();
        var provider = Assert.Single(h.ServerObserver.Started).Control;
        var client = Assert.Single(h.ClientObserver.Started).Control;
        var atClient = new System.Collections.Concurrent.ConcurrentQueue<int>();
        var atProvider = new System.Collections.Concurrent.ConcurrentQueue<byte[]>();
        using var s1 = client.Subscribe(VpnGateway.Control.ControlMessageTypes.MeteringCheckpoint, (m, _) =>
        {
            atClient.Enqueue(BitConverter.ToInt32(m.Payload.Span));
            return ValueTask.CompletedTask;
        });
        using var s2 = provider.Subscribe(VpnGateway.Control.ControlMessageTypes.MeteringVoucher, (m, _) =>
        {
            atProvider.Enqueue(m.Payload.ToArray());
            return ValueTask.CompletedTask;
        });
        var records = new byte[20_000];
        Random.Shared.NextBytes(records);

        var sends = Enumerable.Range(0, 20).Select(i => provider.SendAsync(VpnGateway.Control.ControlMessageTypes.MeteringCheckpoint, BitConverter.GetBytes(i)).AsTask()).ToList();
        var voucher = await client.SendAsync(VpnGateway.Control.ControlMessageTypes.MeteringVoucher, records);
        await Task.WhenAll(sends).WaitAsync(Wait);
        await TunnelHarness.Until(() => atClient.Count == 20 && atProvider.Count == 1, "control messages");

        Assert.Equal(VpnGateway.Control.ControlSendResult.Delivered, voucher);
        Assert.All(sends, t => Assert.Equal(VpnGateway.Control.ControlSendResult.Delivered, t.Result));
        Assert.Equal(Enumerable.Range(0, 20), atClient);
        Assert.Equal(records, Assert.Single(atProvider));
        Assert.Equal(0, h.ServerTun.WrittenCount + h.ClientTun.WrittenCount);
    }

    [Fact]
    public async Task Policy_ProviderLanAndSmb_DroppedReportedAndCounted()
    {
        await using var h = await TunnelHarness.ConnectedAsync();
        var lan = Packets.Tcp("198.19.0.2", "198.18.10.5", 40000, 80, 1, flags: 0x02);
        var smb = Packets.Tcp("198.19.0.2", "198.18.200.1", 40001, 445, 1, flags: 0x02);
        var fine = Packets.Tcp("198.19.0.2", "198.18.200.1", 40002, 443, 1, flags: 0x02);

        h.ClientTun.Inject(lan);
        h.ClientTun.Inject(smb);
        h.ClientTun.Inject(fine);
        var delivered = await h.ServerTun.NextWrittenAsync(Wait);
        await TunnelHarness.Until(() => h.Denials.Denials.Count == 2, "two denials");

        Assert.Equal(fine, delivered);
        Assert.Equal(0, h.ServerTun.WrittenCount);
        var guard = Assert.Single(h.Denials.Denials, d => d.Rule == PolicyDecision.ProviderGuardRuleId);
        var noSmb = Assert.Single(h.Denials.Denials, d => d.Rule == 1);
        Assert.Equal((TunnelHarness.PinnedSession, TrafficDirection.Outbound), (guard.Session, guard.Direction));
        Assert.Equal(lan, guard.Packet);
        Assert.Equal(smb, noSmb.Packet);
        Assert.Equal(h.Time.GetUtcNow().ToUnixTimeMilliseconds(), guard.Time);
        Assert.Equal(2, h.Server.Drops[DropReason.PolicyDenied]);
    }

    [Fact]
    public async Task Policy_InboundFromProviderLan_DeniedBeforeEncryption()
    {
        await using var h = await TunnelHarness.ConnectedAsync();

        h.ServerTun.Inject(Packets.Udp("198.18.10.9", "198.19.0.2", 137, 137));
        await TunnelHarness.Until(() => h.Server.Drops[DropReason.PolicyDenied] == 1, "inbound denial");

        var denial = Assert.Single(h.Denials.Denials);
        Assert.Equal(TrafficDirection.Inbound, denial.Direction);
        Assert.Equal(0, h.ClientTun.WrittenCount);
    }

    [Fact]
    public async Task Policy_RateLimit_DropsOverBurstWithoutReportingViolations()
    {
        await using var h = await TunnelHarness.ConnectedAsync(harness => harness.Policy = PolicyDocument.Parse(
            """{"version":1,"defaultAction":"allow","rules":[],"rateLimit":{"bytesPerSecond":1000,"burstBytes":3000}}"""));

        for (var i = 0; i < 10; i++)
        {
            h.ClientTun.Inject(Packets.Udp("198.19.0.2", "198.18.200.1", 40000, 53, payload: 972)); // 1000-byte packets
        }

        await TunnelHarness.Until(() => h.Server.Drops[DropReason.RateLimited] == 7, "seven packets over the 3000-byte burst");
        Assert.Equal(3, h.ServerTun.WrittenCount);
        Assert.Empty(h.Denials.Denials);

        h.Advance(TimeSpan.FromSeconds(2));
        h.ClientTun.Inject(Packets.Udp("198.19.0.2", "198.18.200.1", 40000, 53, payload: 972));
        await TunnelHarness.Until(() => h.ServerTun.WrittenCount == 4, "the bucket refilled");
    }

    [Fact]
    public async Task Receive_SpoofedSourceAddress_Dropped()
    {
        await using var h = await TunnelHarness.ConnectedAsync();

        h.ClientTun.Inject(Packets.Udp("198.19.0.99", "198.18.200.1", 40000, 53));
        await TunnelHarness.Until(() => h.Server.Drops[DropReason.SourceNotAllowed] == 1, "spoofed source dropped");

        Assert.Equal(0, h.ServerTun.WrittenCount);
    }

    [Fact]
    public async Task Roaming_ClientChangesAddress_ProviderRepliesToNewEndpoint()
    {
        await using var h = await TunnelHarness.ConnectedAsync();

        h.Network.Rebind(h.ClientTransport, "198.18.0.77:40001");
        h.ClientTun.Inject(Packets.Udp("198.19.0.2", "198.18.200.1", 40000, 53));
        await h.ServerTun.NextWrittenAsync(Wait);
        var reply = Packets.Udp("198.18.200.1", "198.19.0.2", 53, 40000);
        h.ServerTun.Inject(reply);

        Assert.Equal(reply, await h.ClientTun.NextWrittenAsync(Wait));
        Assert.Equal("198.18.0.77:40001", h.Server.Sessions.Single().Endpoint!.Value.ToString());
    }

    [Fact]
    public async Task Rotation_UnderLoad_NewKeysEveryTwoMinutesAndNoPacketLost()
    {
        await using var h = await TunnelHarness.ConnectedAsync();
        var firstIndex = h.Server.Sessions.Single().Current!.LocalIndex;
        var sent = 0;

        for (var round = 0; round < 4; round++)
        {
            for (var i = 0; i < 200; i++)
            {
                h.ClientTun.Inject(Packets.Udp("198.19.0.2", "198.18.200.1", 40000, 53, payload: 64, fill: (byte)i));
                h.ServerTun.Inject(Packets.Udp("198.18.200.1", "198.19.0.2", 53, 40000, payload: 64, fill: (byte)i));
                sent++;
            }

            var expected = sent;
            await TunnelHarness.Until(() => h.ServerTun.WrittenCount == expected && h.ClientTun.WrittenCount == expected, $"round {round}: {expected} packets each way");
            h.Advance(TimeSpan.FromSeconds(61), TimeSpan.FromSeconds(1));
            await Task.Delay(100);
        }

        await TunnelHarness.Until(() => h.ServerTun.WrittenCount == sent && h.ClientTun.WrittenCount == sent, $"all {sent} packets each way");
        Assert.True(h.Client.HandshakesCompleted >= 2, $"client completed {h.Client.HandshakesCompleted} handshakes");
        Assert.NotEqual(firstIndex, h.Server.Sessions.Single().Current!.LocalIndex);
        Assert.Equal(0, h.Server.Drops[DropReason.ExpiredKey] + h.Server.Drops[DropReason.NoKey] + h.Server.Drops[DropReason.Authentication]);
    }

    [Fact]
    public async Task Rotation_ByVolume_RekeysAfterMessageLimit()
    {
        await using var h = await TunnelHarness.ConnectedAsync(harness => harness.Options.Timings.RekeyAfterMessages = 50);
        var before = h.Client.HandshakesCompleted;

        for (var i = 0; i < 60; i++)
        {
            h.ClientTun.Inject(Packets.Udp("198.19.0.2", "198.18.200.1", 40000, 53));
        }

        await TunnelHarness.Until(() => h.ServerTun.WrittenCount == 60, "60 packets");
        h.Advance(TimeSpan.FromSeconds(1));
        await TunnelHarness.Until(() => h.Client.HandshakesCompleted > before, "a volume rekey");
    }

    [Fact]
    public async Task Connect_WrongProviderKey_RefusedAndCountedAsBadMac1()
    {
        await using var h = await TunnelHarness.StartServerAsync();
        using var wrong = VpnGateway.Crypto.TunnelKeyPair.Generate();
        var client = h.CreateClient(h.ClientKey, wrong.PublicKey, TunnelHarness.PinnedSession, null);

        var connect = client.ConnectAsync(CancellationToken.None);
        await TunnelHarness.Until(() => h.Server.Drops[DropReason.HandshakeBadMac1] >= 1, "bad mac1 counted");
        for (var i = 0; i < 4 && !connect.IsCompleted; i++)
        {
            h.Advance(TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(6));
            await Task.Delay(50);
        }

        var error = await Assert.ThrowsAsync<HandshakeRejectedException>(() => connect.WaitAsync(Wait));
        Assert.Null(error.Status);
        Assert.Contains("tunnel key", error.Message, StringComparison.Ordinal);
        Assert.Empty(h.Server.Sessions);
        Assert.Equal(0, h.ServerTun.WrittenCount); // the shared device stays; nothing reached it
    }

    [Fact]
    public async Task Connect_UnknownSession_RejectedWithReason()
    {
        await using var h = await TunnelHarness.StartServerAsync();
        var client = h.CreateClient(h.ClientKey, h.ServerKey.PublicKey, 99, null);

        var error = await Assert.ThrowsAsync<HandshakeRejectedException>(() => client.ConnectAsync(CancellationToken.None).WaitAsync(Wait));

        Assert.Equal(VpnGateway.Protocol.HandshakeStatus.UnknownSession, error.Status);
        Assert.Equal(1, h.Server.Drops[DropReason.HandshakeRejected]);
    }

    [Fact]
    public async Task Connect_PinnedSessionWithAnotherKey_Rejected()
    {
        await using var h = await TunnelHarness.StartServerAsync();
        using var stranger = VpnGateway.Crypto.TunnelKeyPair.Generate();
        var client = h.CreateClient(stranger, h.ServerKey.PublicKey, TunnelHarness.PinnedSession, null);

        var error = await Assert.ThrowsAsync<HandshakeRejectedException>(() => client.ConnectAsync(CancellationToken.None).WaitAsync(Wait));

        Assert.Equal(VpnGateway.Protocol.HandshakeStatus.NotPermitted, error.Status);
    }

    [Fact]
    public async Task Receive_ReplayedDatagram_DroppedAsReplay()
    {
        byte[]? captured = null;
        await using var h = await TunnelHarness.ConnectedAsync();
        h.Network.Filter = (_, destination, datagram) =>
        {
            if (destination == h.ServerTransport.LocalEndpoint && datagram[0] == 4 && datagram.Length > 64)
            {
                captured ??= datagram;
            }

            return true;
        };
        h.ClientTun.Inject(Packets.Udp("198.19.0.2", "198.18.200.1", 40000, 53));
        await h.ServerTun.NextWrittenAsync(Wait);

        h.ServerTransport.Enqueue(captured!, h.ClientTransport.LocalEndpoint);
        await TunnelHarness.Until(() => h.Server.Drops[DropReason.Replay] == 1, "replay dropped");

        Assert.Equal(0, h.ServerTun.WrittenCount);
    }

    [Fact]
    public async Task Shutdown_ClientStops_ProviderEndsTheSessionAsClosedByPeerAndBothRemoveDevices()
    {
        var h = await TunnelHarness.ConnectedAsync();

        await h.DisposeAsync();

        Assert.All(h.ServerTuns.Devices.Values, d => Assert.True(d.Disposed));
        Assert.All(h.ClientTuns.Devices.Values, d => Assert.True(d.Disposed));
        Assert.Equal(["start 7 ogw1", "ending 7 ClosedByPeer", "end 7 ClosedByPeer"], h.ServerObserver.Events);
        Assert.Equal(["start 7 orc1", "ending 7 Shutdown", "end 7 Shutdown"], h.ClientObserver.Events);
        Assert.Contains("unpin 198.18.0.2", h.ClientNetwork.Actions);
    }

    [Fact]
    public async Task Shutdown_ProviderStops_EveryObserverToldAndTheClientClosedWithTheReason()
    {
        await using var h = await TunnelHarness.ConnectedAsync();

        await h.Server.DisposeAsync();
        var (reason, detail) = await h.Client.Closed.WaitAsync(Wait);

        Assert.Equal(["start 7 ogw1", "ending 7 Shutdown", "end 7 Shutdown"], h.ServerObserver.Events);
        Assert.Equal(["start 7 orc1", "ending 7 ClosedByPeer", "end 7 ClosedByPeer"], h.ClientObserver.Events);
        Assert.Equal(SessionEndReason.ClosedByPeer, reason);
        Assert.Contains("shutting down", detail, StringComparison.Ordinal);
        Assert.All(h.ServerTuns.Devices.Values, d => Assert.True(d.Disposed));
        Assert.All(h.ClientTuns.Devices.Values, d => Assert.True(d.Disposed));
    }

    [Fact]
    public async Task ProviderForgetsKeys_ClientSendingUnanswered_RehandshakesAndRecovers()
    {
        await using var h = await TunnelHarness.ConnectedAsync(harness => harness.Options.Timings.PersistentKeepalive = TimeSpan.Zero);
        var before = h.Client.HandshakesCompleted;
        h.Network.Filter = (_, destination, _) => destination != h.ClientTransport.LocalEndpoint; // answers are lost

        h.ClientTun.Inject(Packets.Udp("198.19.0.2", "198.18.200.1", 40000, 53));
        await h.ServerTun.NextWrittenAsync(Wait);
        h.Advance(TimeSpan.FromSeconds(16));
        h.Network.Filter = null;
        for (var i = 0; i < 30 && h.Client.HandshakesCompleted == before; i++)
        {
            h.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(50);
        }

        await TunnelHarness.Until(() => h.Client.HandshakesCompleted > before,
            $"a new handshake after 15 s without an answer; client drops {string.Join(",", h.Client.Drops.Snapshot())}, server drops {string.Join(",", h.Server.Drops.Snapshot())}, sent {h.ClientTransport.Sent}");
    }

    [Fact]
    public async Task IdleSession_EndedAfterTimeout()
    {
        await using var h = await TunnelHarness.ConnectedAsync(harness =>
        {
            harness.Options.Timings.SessionIdleTimeout = TimeSpan.FromSeconds(30);
            harness.Options.Timings.PersistentKeepalive = TimeSpan.Zero;
        });
        h.Network.Filter = (_, _, _) => false; // the client vanished

        h.Advance(TimeSpan.FromSeconds(31));

        await TunnelHarness.Until(() => h.ServerObserver.Events.Contains("end 7 IdleTimeout"), "idle end");
        Assert.Empty(h.Server.Sessions);
    }
}
