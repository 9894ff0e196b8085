using System.Diagnostics;
using Nethereum.Signer;
using Nethereum.Web3;
using Oracle.Testing;
using VpnGateway.Crypto;
using VpnGateway.Providers;
using VpnGateway.Tests.Doubles;
using VpnGateway.Tests.Providers;
using VpnGateway.Tunnel;

namespace VpnGateway.Tests.Tunnel;

/// <summary>
/// Handshakes never wait on the chain (issue 15 §3): the provider reads sessions from the real chain through a TCP
/// proxy that a test slows down or hangs, as a slow or stuck RPC endpoint would.
/// </summary>
[Collection(ChainCollection.Name)]
public sealed class SlowDirectoryTests(ChainFixture chain)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Rekey_NodeHangs_RunningSessionsKeepRekeyingAndANewSessionWaitsAlone()
    {
        var network = await ChainSessions.DeployAsync(chain);
        using var serverKey = TunnelKeyPair.Generate();
        var provider = await network.RegisterProviderAsync(serverKey.PublicKey, "198.18.0.2:51820", 1000);
        var sessions = new List<(EthECKey Client, ulong Id)>();
        for (var i = 0; i < 3; i++)
        {
            sessions.Add(await network.OpenSessionAsync(provider.GetPublicAddress(), 1000));
        }

        await using var proxy = new TcpProxy(chain.RpcUrl);
        proxy.Start();
        await using var h = await StartProviderAsync(network, serverKey, provider, proxy, harness => harness.Options.Timings.RekeyAfterMessages = 30);

        var running = new List<GatewayClient>();
        var devices = new List<InMemoryTun>();
        var newcomer = (GatewayClient?)null;
        try
        {
            for (var i = 0; i < 2; i++)
            {
                var known = h.ClientTuns.Devices.Keys.ToHashSet();
                var client = Client(h, serverKey, sessions[i], i);
                running.Add(client);
                await client.ConnectAsync(CancellationToken.None).WaitAsync(Wait);
                devices.Add(h.ClientTuns.Devices.Single(d => !known.Contains(d.Key)).Value);
            }

            await TunnelHarness.Until(() => h.Server.Sessions.Count(s => s.Current is not null) == 2, "both sessions' keys confirmed");

            // The node hangs: nothing it is asked is answered until the test lets it go.
            proxy.Delay = Timeout.InfiniteTimeSpan;

            // The running sessions rekey twice on time (their terms' refresh hangs in the background).
            for (var round = 0; round < 2; round++)
            {
                var before = running.Select(c => c.HandshakesCompleted).ToList();
                var clock = Stopwatch.StartNew();
                for (var step = 0; step < 25; step++)
                {
                    h.Time.Advance(TimeSpan.FromSeconds(5));
                    h.Server.Tick();
                    running.ForEach(c => c.Tick());
                }

                await TunnelHarness.Until(() => running.Select((c, i) => c.HandshakesCompleted > before[i]).All(x => x), $"round {round}: both running sessions rekeyed");
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"a rekey round took {clock.Elapsed.TotalMilliseconds:0} ms while the node hung");
            }

            // A new client arrives: its session's terms are unknown, so its handshake waits for the node, alone.
            newcomer = Client(h, serverKey, sessions[2], 2);
            var connecting = newcomer.ConnectAsync(CancellationToken.None);
            await TunnelHarness.Until(() => h.Server.Drops[DropReason.HandshakeAwaitingDirectory] >= 1, "the newcomer's initiation set aside");

            // Meanwhile the running sessions carry data and rekey on volume.
            for (var i = 0; i < running.Count; i++)
            {
                var before = running[i].HandshakesCompleted;
                var address = h.Server.Sessions.Single(s => s.SessionId == sessions[i].Id).RoutedPrefixes[0].NetworkAddress.ToString();
                var written = h.ServerTun.WrittenCount;
                for (var p = 0; p < 40; p++)
                {
                    devices[i].Inject(Packets.Udp(address, "198.18.200.1", 40000, 53));
                }

                await TunnelHarness.Until(() => running[i].HandshakesCompleted > before, $"session {i} rekeyed on volume while the newcomer waits");
                await TunnelHarness.Until(() => h.ServerTun.WrittenCount >= written + 40, $"session {i}'s packets through");
            }

            Assert.False(connecting.IsCompleted, connecting.Exception?.ToString());
            Assert.Equal(2, h.Server.Sessions.Count(s => s.IsRunning));
            Assert.True(h.Server.DirectoryLookups.Pending >= 1, $"lookups pending: {h.Server.DirectoryLookups.Pending}");

            // The node answers again: the newcomer's set-aside initiation is handled and it connects without a retry.
            proxy.Delay = TimeSpan.Zero;
            await connecting.WaitAsync(Wait);
            await TunnelHarness.Until(() => h.Server.Sessions.Count(s => s.IsRunning) == 3, "three sessions running");
        }
        finally
        {
            proxy.Delay = TimeSpan.Zero;
            foreach (var client in running)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Rekey_NodeAnswersHalfASecondLate_TermsRefreshedInTheBackground()
    {
        var network = await ChainSessions.DeployAsync(chain);
        using var serverKey = TunnelKeyPair.Generate();
        var provider = await network.RegisterProviderAsync(serverKey.PublicKey, "198.18.0.2:51820", 1000);
        var session = await network.OpenSessionAsync(provider.GetPublicAddress(), 1000);
        await using var proxy = new TcpProxy(chain.RpcUrl);
        proxy.Start();
        await using var h = await StartProviderAsync(network, serverKey, provider, proxy);
        proxy.Delay = TimeSpan.FromMilliseconds(500);

        // The first handshake waits for the node (several calls, each half a second late), alone; later ones never do.
        var client = Client(h, serverKey, session, 0);
        await client.ConnectAsync(CancellationToken.None).WaitAsync(Wait);
        var lookups = h.Server.DirectoryLookups.Lookups;
        for (var round = 0; round < 3; round++)
        {
            var before = client.HandshakesCompleted;
            for (var step = 0; step < 25; step++)
            {
                h.Time.Advance(TimeSpan.FromSeconds(5));
                h.Server.Tick();
                client.Tick();
            }

            await TunnelHarness.Until(() => client.HandshakesCompleted > before, $"rekey {round}");
        }

        // Refreshed ahead of expiry, off the handshake path; the session never stopped (how fast rekeys are answered with
        // a late node is measured by bench/rpc-delay.sh, not here).
        await TunnelHarness.Until(() => h.Server.DirectoryLookups.Lookups > lookups, "the running session's terms refreshed in the background");
        Assert.True(Assert.Single(h.Server.Sessions).IsRunning);
        Assert.Equal(0, h.Server.Drops[DropReason.HandshakeRejected]);
        await client.DisposeAsync();
    }

    private GatewayClient Client(TunnelHarness h, TunnelKeyPair serverKey, (EthECKey Client, ulong Id) session, int index)
        => h.CreateClient(TunnelKeyPair.Generate(), serverKey.PublicKey, session.Id,
            new EthereumAuthorizationSource(session.Client, chain.ChainId, h.SessionManagerAddress, h.Time, TimeSpan.FromHours(1)), $"198.18.0.{20 + index}:40000");

    // The provider reads sessions from the chain through the proxy, the status cached one second only: without the
    // handshake path's own cache, every rekey would ask the node.
    private static Task<TunnelHarness> StartProviderAsync(ChainSessions network, TunnelKeyPair serverKey, EthECKey provider, TcpProxy proxy, Action<TunnelHarness>? configure = null)
        => TunnelHarness.StartServerAsync(harness =>
        {
            harness.ServerKeyOverride = serverKey;
            harness.Directory = new ChainProviderDirectory(new Web3(proxy.Url), network.Registry, network.SessionManager, harness.Time, TimeSpan.FromSeconds(1));
            harness.ProviderAddress = provider.GetPublicAddress();
            harness.SessionManagerAddress = network.SessionManager;
            configure?.Invoke(harness);
        });
}
