using System.Diagnostics;
using Oracle.Core.Policy;
using VpnGateway.Control;
using VpnGateway.Protocol;
using VpnGateway.Providers;
using VpnGateway.Sessions;
using VpnGateway.Transport;
using VpnGateway.Tests.Doubles;
using VpnGateway.Tunnel;

namespace VpnGateway.Tests.Tunnel;

/// <summary>
/// A session's end on the in-memory tunnel: the terminator seam, Ending and Close on both sides, the observers' last
/// exchange before Close, a silent peer that must not stall it, and the client's prefixes from SessionInfo.
/// </summary>
public sealed class SessionEndTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Terminate_ProviderSide_ObserversToldDeviceRemovedClientClosedWithTheReason()
    {
        await using var h = await TunnelHarness.ConnectedAsync();

        Assert.True(h.Server.Terminate(TunnelHarness.PinnedSession, "no valid voucher within 30 s", refuseReconnection: true));
        var (reason, detail) = await h.Client.Closed.WaitAsync(Wait);
        await TunnelHarness.Until(() => h.ServerObserver.Events.Contains("end 7 Terminated"), "the provider's session ended");

        Assert.Equal(["start 7 ogw1", "ending 7 Terminated", "end 7 Terminated"], h.ServerObserver.Events);
        Assert.Equal(["start 7 orc1", "ending 7 ClosedByPeer", "end 7 ClosedByPeer"], h.ClientObserver.Events);
        Assert.Equal(SessionEndReason.ClosedByPeer, reason);
        Assert.Contains("no valid voucher within 30 s", detail, StringComparison.Ordinal);
        Assert.Empty(h.Server.Sessions);
        Assert.Single(h.ServerTuns.Devices); // the provider's one shared device serves the next session
        Assert.All(h.ClientTuns.Devices.Values, d => Assert.True(d.Disposed));
        Assert.False(h.Server.Terminate(TunnelHarness.PinnedSession, "again", refuseReconnection: true));
    }

    [Fact]
    public async Task Start_ProviderObserverFails_SessionEndedWithTheReasonInsteadOfCarriedUnobserved()
    {
        await using var h = await TunnelHarness.StartServerAsync(h =>
            h.ServerObserver.Starting = _ => throw new InvalidOperationException("session 7 ended on this gateway; open a new session"));
        var client = h.CreateClient(h.ClientKey, h.ServerKey.PublicKey, TunnelHarness.PinnedSession, null);
        var connecting = client.ConnectAsync(CancellationToken.None);

        await TunnelHarness.Until(() => h.ServerObserver.Events.Contains("end 7 StartFailed"), "the provider's session ended");
        await TunnelHarness.Until(() => !h.Server.Sessions.Any(), "the provider's session removed");

        Assert.Equal(["start 7 ogw1", "ending 7 StartFailed", "end 7 StartFailed"], h.ServerObserver.Events.Take(3));
        Assert.Equal(0, h.ServerTuns.Devices.Values.Sum(d => d.WrittenCount));
        Assert.Single(h.ServerTuns.Devices); // the shared device, not one per session
        await client.DisposeAsync();
        await Task.WhenAny(connecting);
    }

    [Fact]
    public async Task Handshake_RecordedInitiationReplayedAfterTheSessionEnded_DroppedAsStale()
    {
        byte[]? initiation = null;
        UdpEndpoint? from = null;
        await using var h = await TunnelHarness.StartServerAsync(h => h.Network.Filter = (source, _, datagram) =>
        {
            if (datagram[0] == (byte)MessageType.HandshakeInitiation)
            {
                initiation ??= datagram;
                from ??= source;
            }

            return true;
        });
        await h.ConnectClientAsync(h.ClientKey, h.ServerKey.PublicKey, TunnelHarness.PinnedSession, null);
        h.Server.Terminate(TunnelHarness.PinnedSession, "ended", refuseReconnection: false);
        await h.Client.Closed.WaitAsync(Wait);
        await TunnelHarness.Until(() => !h.Server.Sessions.Any(), "the provider's session ended");
        await h.Client.DisposeAsync();
        var replaysBefore = h.Server.Drops[DropReason.HandshakeReplay];

        h.Time.Advance(TimeSpan.FromMinutes(11));
        h.ServerTransport.Enqueue(initiation!, from!.Value);
        await TunnelHarness.Until(() => h.Server.Drops[DropReason.HandshakeReplay] > replaysBefore, "the replay dropped");

        Assert.Empty(h.Server.Sessions);
        Assert.Single(h.ServerObserver.Started);
    }

    [Fact]
    public async Task Handshake_ProviderAssignsAnAddressInsideTheClientsLan_ClientRefusesAndCreatesNoDevice()
    {
        await using var h = await TunnelHarness.StartServerAsync();
        var lan = IpPrefix.Create(h.Server.GatewayAddress, 24); // as if the client's own LAN were the provider's pool
        var client = h.CreateClient(h.ClientKey, h.ServerKey.PublicKey, TunnelHarness.PinnedSession, null, localNetworks: [lan]);

        var error = await Assert.ThrowsAsync<HandshakeRejectedException>(() => client.ConnectAsync(CancellationToken.None).WaitAsync(Wait));

        Assert.Contains("inside this host's network", error.Message, StringComparison.Ordinal);
        Assert.Empty(h.ClientTuns.Devices);
    }

    [Fact]
    public async Task Connect_ProviderMtuAboveClients_RefusedNoDevice()
    {
        // The provider runs 1420 (the harness); this client carries at most 1380 (a PPPoE line, say).
        await using var h = await TunnelHarness.StartServerAsync();
        var client = h.CreateClient(h.ClientKey, h.ServerKey.PublicKey, TunnelHarness.PinnedSession, null, options: new TunnelOptions { Mtu = 1380 });

        var error = await Assert.ThrowsAsync<HandshakeRejectedException>(() => client.ConnectAsync(CancellationToken.None).WaitAsync(Wait));

        Assert.Contains("the provider's tunnel MTU 1420 is outside what this client carries (576–1380", error.Message, StringComparison.Ordinal);
        Assert.Empty(h.ClientTuns.Devices);
    }

    [Fact]
    public async Task Connect_ProviderMtuBelowClients_BothEndsUseTheProviders()
    {
        await using var h = await TunnelHarness.StartServerAsync();
        var client = h.CreateClient(h.ClientKey, h.ServerKey.PublicKey, TunnelHarness.PinnedSession, null, options: new TunnelOptions { Mtu = 1500 });

        await client.ConnectAsync(CancellationToken.None).WaitAsync(Wait);

        Assert.Equal(1420, h.ClientTun.Mtu);
    }

    [Fact]
    public async Task Handshake_ObserverRefusesTheSession_NotPermittedAndNoSessionCreated()
    {
        await using var h = await TunnelHarness.StartServerAsync(h =>
            h.ServerObserver.Refuse = id => id == TunnelHarness.PinnedSession ? "session 7 ended on this gateway; open a new session" : null);
        var client = h.CreateClient(h.ClientKey, h.ServerKey.PublicKey, TunnelHarness.PinnedSession, null);

        var error = await Assert.ThrowsAsync<HandshakeRejectedException>(() => client.ConnectAsync(CancellationToken.None).WaitAsync(Wait));

        Assert.Equal(HandshakeStatus.NotPermitted, error.Status);
        Assert.Empty(h.ServerObserver.Events);
        Assert.Empty(h.Server.Sessions);
        Assert.Equal(0, h.ServerTun.WrittenCount);
    }

    [Fact]
    public async Task Handshake_EndedPinnedLinkSettled_ClientContinuesAsTheSuccessorSession()
    {
        var successor = SessionRecord.GenerationId(TunnelHarness.PinnedSession, 1);
        await using var h = await TunnelHarness.StartServerAsync(h =>
        {
            h.Sessions.Add(RenewingSession(h, SessionRenewal.Settled));
            h.ServerObserver.Refuse = id => id == TunnelHarness.PinnedSession ? "session 7 ended on this gateway" : null;
        });
        var client = h.CreateClient(h.ClientKey, h.ServerKey.PublicKey, TunnelHarness.PinnedSession, null);

        await client.ConnectAsync(CancellationToken.None).WaitAsync(Wait);

        Assert.Equal(successor, client.SessionId);
        Assert.Equal([successor], h.Server.Sessions.Select(s => s.SessionId));
        Assert.Equal([successor], h.ServerObserver.Started.Select(s => s.SessionId));
    }

    [Fact]
    public async Task Handshake_EndedPinnedLinkUnsettled_NotPermittedUnlessRenewalIsAlways()
    {
        foreach (var (renewal, expected) in new[] { (SessionRenewal.Settled, HandshakeStatus.NotPermitted), (SessionRenewal.None, HandshakeStatus.NotPermitted) })
        {
            await using var h = await TunnelHarness.StartServerAsync(h =>
            {
                h.Sessions.Add(RenewingSession(h, renewal));
                h.ServerObserver.Refuse = id => id == TunnelHarness.PinnedSession ? "session 7 ended on this gateway" : null;
                h.ServerObserver.Settled = _ => false;
            });
            var client = h.CreateClient(h.ClientKey, h.ServerKey.PublicKey, TunnelHarness.PinnedSession, null);

            var error = await Assert.ThrowsAsync<HandshakeRejectedException>(() => client.ConnectAsync(CancellationToken.None).WaitAsync(Wait));

            Assert.Equal(expected, error.Status);
            Assert.Empty(h.Server.Sessions);
        }

        await using var trusting = await TunnelHarness.StartServerAsync(h =>
        {
            h.Sessions.Add(RenewingSession(h, SessionRenewal.Always));
            h.ServerObserver.Refuse = id => id == TunnelHarness.PinnedSession ? "session 7 ended on this gateway" : null;
            h.ServerObserver.Settled = _ => false;
        });
        var trusted = trusting.CreateClient(trusting.ClientKey, trusting.ServerKey.PublicKey, TunnelHarness.PinnedSession, null);
        await trusted.ConnectAsync(CancellationToken.None).WaitAsync(Wait);
        Assert.Equal(SessionRecord.GenerationId(TunnelHarness.PinnedSession, 1), trusted.SessionId);
    }

    [Fact]
    public async Task Handshake_SeveralGenerationsEnded_SuccessorIsTheFirstThatDidNot()
    {
        var ended = new[] { TunnelHarness.PinnedSession, SessionRecord.GenerationId(TunnelHarness.PinnedSession, 1), SessionRecord.GenerationId(TunnelHarness.PinnedSession, 2) };
        await using var h = await TunnelHarness.StartServerAsync(h =>
        {
            h.Sessions.Add(RenewingSession(h, SessionRenewal.Settled));
            h.ServerObserver.Refuse = id => ended.Contains(id) ? $"session {id} ended on this gateway" : null;
        });
        var client = h.CreateClient(h.ClientKey, h.ServerKey.PublicKey, TunnelHarness.PinnedSession, null);

        await client.ConnectAsync(CancellationToken.None).WaitAsync(Wait);

        Assert.Equal(SessionRecord.GenerationId(TunnelHarness.PinnedSession, 3), client.SessionId);
    }

    [Fact]
    public async Task Handshake_SuccessorOfAPinnedLink_AnotherKeyLearnsNothing()
    {
        await using var h = await TunnelHarness.StartServerAsync(h =>
        {
            h.Sessions.Add(RenewingSession(h, SessionRenewal.Always));
            h.ServerObserver.Refuse = id => id == TunnelHarness.PinnedSession ? "session 7 ended on this gateway" : null;
        });
        using var stranger = VpnGateway.Crypto.TunnelKeyPair.Generate();
        var client = h.CreateClient(stranger, h.ServerKey.PublicKey, TunnelHarness.PinnedSession, null);

        var error = await Assert.ThrowsAsync<HandshakeRejectedException>(() => client.ConnectAsync(CancellationToken.None).WaitAsync(Wait));

        Assert.Equal(HandshakeStatus.NotPermitted, error.Status);
        Assert.Equal(TunnelHarness.PinnedSession, client.SessionId);
    }

    private static SessionRecord RenewingSession(TunnelHarness h, SessionRenewal renewal)
        => new(TunnelHarness.PinnedSession, null, null, h.Policy.Hash.ToArray(), true, h.ClientKey.PublicKey, Renewal: renewal);

    [Fact]
    public async Task Terminate_RefusingReconnection_TheSameSessionIsRefusedAfterwards()
    {
        await using var h = await TunnelHarness.ConnectedAsync();
        h.Server.Terminate(TunnelHarness.PinnedSession, "cut off", refuseReconnection: true);
        await h.Client.Closed.WaitAsync(Wait);
        await h.Client.DisposeAsync();
        h.Network.Rebind(h.ClientTransport, "198.18.0.9:40000");

        var again = h.CreateClient(h.ClientKey, h.ServerKey.PublicKey, TunnelHarness.PinnedSession, null, "198.18.0.10:40000");
        var error = await Assert.ThrowsAsync<HandshakeRejectedException>(() => again.ConnectAsync(CancellationToken.None).WaitAsync(Wait));

        Assert.Equal(HandshakeStatus.NotPermitted, error.Status);
    }

    [Fact]
    public async Task Terminate_NotRefusingReconnection_TheClientMayComeBack()
    {
        await using var h = await TunnelHarness.ConnectedAsync();
        h.Server.Terminate(TunnelHarness.PinnedSession, "metering cannot start", refuseReconnection: false);
        await h.Client.Closed.WaitAsync(Wait);
        await TunnelHarness.Until(() => !h.Server.Sessions.Any(), "the provider's session ended");
        await h.Client.DisposeAsync();
        h.Network.Rebind(h.ClientTransport, "198.18.0.9:40000");

        var again = h.CreateClient(h.ClientKey, h.ServerKey.PublicKey, TunnelHarness.PinnedSession, null, "198.18.0.10:40000");
        await again.ConnectAsync(CancellationToken.None).WaitAsync(Wait);

        Assert.Equal(2, h.ServerObserver.Started.Count);
    }

    [Fact]
    public async Task Ending_ObserverExchangesALastMessage_DeliveredBeforeClose()
    {
        var answered = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await TunnelHarness.ConnectedAsync(harness => harness.ServerObserver.Ending = async (session, ct) =>
        {
            // As metering's last epoch: send, then wait for the peer's answer within the ending time.
            using var answer = session.Control.Subscribe(0x8002, (m, _) =>
            {
                answered.TrySetResult(m.Payload.ToArray());
                return ValueTask.CompletedTask;
            });
            await session.Control.SendAsync(0x8001, "last epoch"u8.ToArray(), ct);
            await answered.Task.WaitAsync(ct);
        });
        var client = Assert.Single(h.ClientObserver.Started).Control;
        using var answering = client.Subscribe(0x8001, async (_, ct) => await client.SendAsync(0x8002, "voucher"u8.ToArray(), ct));

        h.Server.Terminate(TunnelHarness.PinnedSession, "test", refuseReconnection: false);
        await h.Client.Closed.WaitAsync(Wait);

        Assert.Equal("voucher"u8.ToArray(), await answered.Task.WaitAsync(Wait));
    }

    [Fact]
    public async Task Ending_PeerSilent_EndsWithinTheEndingTime()
    {
        await using var h = await TunnelHarness.ConnectedAsync(harness =>
        {
            harness.Options.Timings.EndingTimeout = TimeSpan.FromSeconds(1);
            harness.ServerObserver.Ending = (_, ct) => Task.Delay(Timeout.Infinite, ct); // waits for an answer that never comes
        });
        h.Network.Filter = (_, _, _) => false; // the client froze

        var watch = Stopwatch.StartNew();
        await h.Server.DisposeAsync();

        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(4));
        Assert.Contains("end 7 Shutdown", h.ServerObserver.Events);
        Assert.All(h.ServerTuns.Devices.Values, d => Assert.True(d.Disposed));
    }

    [Fact]
    public async Task Ending_DataStopsAtOnce_WhileTheControlChannelWorks()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await TunnelHarness.ConnectedAsync(harness => harness.ServerObserver.Ending = (_, ct) => release.Task.WaitAsync(ct));
        h.ClientTun.Inject(Packets.Udp("198.19.0.2", "198.18.200.1", 40000, 53));
        await h.ServerTun.NextWrittenAsync(Wait);

        h.Server.Terminate(TunnelHarness.PinnedSession, "test", refuseReconnection: false);
        await TunnelHarness.Until(() => h.ServerObserver.Events.Contains("ending 7 Terminated"), "ending");
        h.ClientTun.Inject(Packets.Udp("198.19.0.2", "198.18.200.1", 40000, 53)); // the client may not have heard yet
        await TunnelHarness.Until(() => h.Server.Drops[DropReason.SessionNotRunning] + h.Client.Drops[DropReason.SessionNotRunning] + h.Client.Drops[DropReason.NoKey] >= 1
                                        || h.Client.Session!.State != SessionState.Running, "the second packet stopped");
        release.TrySetResult();
        await h.Client.Closed.WaitAsync(Wait);

        Assert.Equal(0, h.ServerTuns.Devices.Values.Single().WrittenCount);
    }

    [Fact]
    public async Task PeerClose_ClientReceivesClose_EndsAtOnce()
    {
        await using var h = await TunnelHarness.ConnectedAsync();
        var provider = Assert.Single(h.ServerObserver.Started).Control;

        await provider.SendAsync(ControlMessageTypes.Close, "going away"u8.ToArray());
        var (reason, detail) = await h.Client.Closed.WaitAsync(Wait);

        Assert.Equal(SessionEndReason.ClosedByPeer, reason);
        Assert.Contains("going away", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SessionInfo_SiteToSiteRoutes_ClientCountsItsLanAsItsOwnSide()
    {
        await using var h = await TunnelHarness.StartServerAsync(harness => harness.Sessions.Add(new SessionRecord(
            TunnelHarness.PinnedSession, null, null, harness.Policy.Hash.ToArray(), true, harness.ClientKey.PublicKey, [IpPrefix.Parse("198.18.20.0/24")])));
        await h.ConnectClientAsync(h.ClientKey, h.ServerKey.PublicKey, TunnelHarness.PinnedSession, null);

        var client = Assert.Single(h.ClientObserver.Started);
        var provider = Assert.Single(h.ServerObserver.Started);

        Assert.Equal(["198.19.0.2/32", "198.18.20.0/24"], client.ClientPrefixes.Select(p => p.ToString()));
        Assert.Equal(provider.ClientPrefixes, client.ClientPrefixes);
    }
}
