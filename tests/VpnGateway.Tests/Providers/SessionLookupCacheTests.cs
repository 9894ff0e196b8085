using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using VpnGateway.Providers;

namespace VpnGateway.Tests.Providers;

public sealed class SessionLookupCacheTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task TryGet_RefreshFails_LastAnswerKeptAndRetriedLater()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var directory = new ScriptedDirectory();
        var cache = new SessionLookupCache(directory, time, NullLogger.Instance, CancellationToken.None);

        Assert.False(cache.TryGet(5, out _));
        var answered = new TaskCompletionSource();
        Assert.True(cache.LookUp(5, () => answered.TrySetResult()));
        directory.Answer(5, Lookup<SessionRecord>.Found(Record(5)));
        await answered.Task.WaitAsync(Wait);
        Assert.True(cache.TryGet(5, out var found));
        Assert.Equal(LookupStatus.Found, found.Status);

        // Old: served at once while a refresh runs in the background, which fails; the answer found stays.
        time.Advance(SessionLookupCache.RefreshAfter);
        Assert.True(cache.TryGet(5, out var stale));
        Assert.Equal(LookupStatus.Found, stale.Status);
        directory.Answer(5, Lookup<SessionRecord>.Unavailable("node down"));
        await TunnelHarnessWait(() => cache.Pending == 0 && cache.Failures == 1);
        Assert.True(cache.TryGet(5, out var kept));
        Assert.Equal(LookupStatus.Found, kept.Status);
        Assert.Equal(0, cache.Pending); // not asked again on every handshake...
        time.Advance(SessionLookupCache.UnavailableTtl);
        Assert.True(cache.TryGet(5, out _));
        Assert.Equal(1, cache.Pending); // ...but again after a while
    }

    [Fact]
    public async Task LookUp_DirectoryHangs_OneLookupPerSessionAndBoundedPending()
    {
        var directory = new ScriptedDirectory();
        using var stopping = new CancellationTokenSource();
        var cache = new SessionLookupCache(directory, new FakeTimeProvider(DateTimeOffset.UtcNow), NullLogger.Instance, stopping.Token);

        var started = Enumerable.Range(0, SessionLookupCache.MaxPending).Count(i => cache.LookUp((ulong)i, () => { }));
        var again = cache.LookUp(0, () => { });
        var beyond = cache.LookUp(100_000, () => { });

        Assert.Equal(SessionLookupCache.MaxPending, started);
        Assert.True(again); // joins the lookup under way
        Assert.False(beyond);
        await TunnelHarnessWait(() => directory.Calls == SessionLookupCache.MaxConcurrent);
        await Task.Delay(100);
        Assert.Equal(SessionLookupCache.MaxConcurrent, directory.Calls); // the rest wait their turn
        await stopping.CancelAsync();
        await TunnelHarnessWait(() => cache.Pending == 0);
    }

    [Fact]
    public async Task TryGet_UnknownSession_RememberedBriefly()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var directory = new ScriptedDirectory();
        var cache = new SessionLookupCache(directory, time, NullLogger.Instance, CancellationToken.None);
        var answered = new TaskCompletionSource();
        cache.LookUp(9, () => answered.TrySetResult());
        directory.Answer(9, Lookup<SessionRecord>.NotFound("no such session"));
        await answered.Task.WaitAsync(Wait);

        Assert.True(cache.TryGet(9, out var missing));
        Assert.Equal(LookupStatus.NotFound, missing.Status);
        time.Advance(SessionLookupCache.NotFoundTtl);
        Assert.False(cache.TryGet(9, out _));
    }

    [Fact]
    public async Task LookUp_DirectoryThrows_AnsweredUnavailableWithOneLogLine()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var directory = new ScriptedDirectory();
        var logger = new Doubles.RecordingLogger();
        var cache = new SessionLookupCache(directory, time, logger, CancellationToken.None);
        var answered = new TaskCompletionSource();

        Assert.True(cache.LookUp(11, () => answered.TrySetResult()));
        directory.Fail(11, new InvalidOperationException("unexpected RPC answer"));
        await answered.Task.WaitAsync(Wait);

        Assert.True(cache.TryGet(11, out var lookup));
        Assert.Equal(LookupStatus.Unavailable, lookup.Status);
        Assert.Contains("unexpected RPC answer", lookup.Detail, StringComparison.Ordinal);
        Assert.Equal(1, cache.Failures);
        await TunnelHarnessWait(() => cache.Pending == 0);
        var line = Assert.Single(logger.Lines);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Contains("InvalidOperationException: unexpected RPC answer", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryGet_RefreshThrows_LastAnswerKeptWithOneLogLine()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var directory = new ScriptedDirectory();
        var logger = new Doubles.RecordingLogger();
        var cache = new SessionLookupCache(directory, time, logger, CancellationToken.None);
        var answered = new TaskCompletionSource();
        cache.LookUp(12, () => answered.TrySetResult());
        directory.Answer(12, Lookup<SessionRecord>.Found(Record(12)));
        await answered.Task.WaitAsync(Wait);

        time.Advance(SessionLookupCache.RefreshAfter);
        Assert.True(cache.TryGet(12, out _));
        directory.Fail(12, new FormatException("bad ABI"));
        await TunnelHarnessWait(() => cache.Pending == 0 && cache.Failures == 1);

        Assert.True(cache.TryGet(12, out var kept));
        Assert.Equal(LookupStatus.Found, kept.Status);
        Assert.Contains("FormatException: bad ABI", Assert.Single(logger.Lines).Message, StringComparison.Ordinal);
    }

    private static SessionRecord Record(ulong id) => new(id, null, null, new byte[32], true);

    private static Task TunnelHarnessWait(Func<bool> condition) => Doubles.TunnelHarness.Until(condition, "the cache settled");

    /// <summary>A directory whose answers the test gives, one lookup at a time per session.</summary>
    private sealed class ScriptedDirectory : IProviderDirectory
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<ulong, TaskCompletionSource<Lookup<SessionRecord>>> _waiting = new();
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public void Answer(ulong id, Lookup<SessionRecord> answer)
        {
            var deadline = Environment.TickCount64 + 10_000;
            TaskCompletionSource<Lookup<SessionRecord>>? waiting;
            while (!_waiting.TryRemove(id, out waiting))
            {
                Assert.True(Environment.TickCount64 < deadline, $"session {id} was never looked up");
                Thread.Sleep(5);
            }

            waiting.SetResult(answer);
        }

        public void Fail(ulong id, Exception exception)
        {
            var deadline = Environment.TickCount64 + 10_000;
            TaskCompletionSource<Lookup<SessionRecord>>? waiting;
            while (!_waiting.TryRemove(id, out waiting))
            {
                Assert.True(Environment.TickCount64 < deadline, $"session {id} was never looked up");
                Thread.Sleep(5);
            }

            waiting.SetException(exception);
        }

        public ValueTask<Lookup<ProviderRecord>> GetProviderAsync(string providerAddress, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<Lookup<SessionRecord>> GetSessionAsync(ulong sessionId, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            var waiting = new TaskCompletionSource<Lookup<SessionRecord>>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting[sessionId] = waiting;
            return new ValueTask<Lookup<SessionRecord>>(waiting.Task);
        }
    }
}
