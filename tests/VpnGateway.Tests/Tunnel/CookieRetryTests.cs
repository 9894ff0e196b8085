using VpnGateway.Providers;
using VpnGateway.Tests.Doubles;
using VpnGateway.Tunnel;

namespace VpnGateway.Tests.Tunnel;

/// <summary>
/// A busy provider answers an initiation with a cookie reply and asks for a retry: that retry is not one of the
/// client's <c>Connect:ConnectAttempts</c> (found by bench/rpc-delay.sh, where 3–14 of 100 new sessions gave up while
/// the provider looked them up on a slow chain: the retry after a cookie used up an attempt).
/// </summary>
public sealed class CookieRetryTests
{
    [Fact]
    public async Task Connect_ProviderAsksForCookieWhileLookingUp_RetryNotCountedAndConnects()
    {
        var directory = new GatedDirectory();
        await using var h = await TunnelHarness.StartServerAsync(harness =>
        {
            harness.UnderLoadBacklog = 0; // always under load: every initiation needs a cookie
            directory.Inner = new PinnedProviderDirectory([], [new SessionRecord(TunnelHarness.PinnedSession, null, null, harness.Policy.Hash.ToArray(), true, harness.ClientKey.PublicKey)]);
            harness.Directory = directory;
        });

        // Two attempts: the first initiation is answered with a cookie, its retry (with the cookie) starts the session's
        // lookup, which the directory holds; the second attempt, 5 s later, finds the session known and is answered.
        var client = h.CreateClient(h.ClientKey, h.ServerKey.PublicKey, TunnelHarness.PinnedSession, null, connectAttempts: 2);
        var connected = client.ConnectAsync(CancellationToken.None);
        await TunnelHarness.Until(() => directory.Asked > 0, "the provider looks the session up");
        directory.Release();
        await TunnelHarness.Until(() => directory.Answered > 0, "the lookup answered");
        h.Advance(h.Options.Timings.RekeyTimeout + TimeSpan.FromSeconds(1));
        await connected.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(h.Server.SessionCount > 0);
    }

    [Fact]
    public async Task Connect_ProviderOnlyEverSendsCookies_GivesUpAfterBoundedRetries()
    {
        var directory = new GatedDirectory(); // never answers: every initiation is answered with a cookie, none with keys
        await using var h = await TunnelHarness.StartServerAsync(harness =>
        {
            harness.UnderLoadBacklog = 0;
            harness.Directory = directory;
        });

        var client = h.CreateClient(h.ClientKey, h.ServerKey.PublicKey, TunnelHarness.PinnedSession, null, connectAttempts: 2);
        var connected = client.ConnectAsync(CancellationToken.None);
        for (var i = 0; i < 6 && !connected.IsCompleted; i++)
        {
            await Task.Delay(50);
            h.Advance(h.Options.Timings.RekeyTimeout + TimeSpan.FromSeconds(1));
        }

        var refused = await Assert.ThrowsAsync<HandshakeRejectedException>(() => connected.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("after 2 attempts", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>A directory whose session lookups wait until the test releases them.</summary>
    private sealed class GatedDirectory : IProviderDirectory
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _asked;
        private int _answered;

        public IProviderDirectory? Inner { get; set; }

        public int Asked => Volatile.Read(ref _asked);

        public int Answered => Volatile.Read(ref _answered);

        public void Release() => _gate.TrySetResult();

        public ValueTask<Lookup<ProviderRecord>> GetProviderAsync(string providerAddress, CancellationToken cancellationToken)
            => ValueTask.FromResult(Lookup<ProviderRecord>.NotFound("no providers here"));

        public async ValueTask<Lookup<SessionRecord>> GetSessionAsync(ulong sessionId, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _asked);
            await _gate.Task.WaitAsync(cancellationToken);
            var answer = await Inner!.GetSessionAsync(sessionId, cancellationToken);
            Interlocked.Increment(ref _answered);
            return answer;
        }
    }
}
