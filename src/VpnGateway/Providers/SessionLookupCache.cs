using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace VpnGateway.Providers;

/// <summary>
/// The directory's answers about sessions as the provider's handshake path uses them: never waiting on the directory
/// (the chain). An answer found is served from memory and refreshed in the background once it is
/// <see cref="RefreshAfter"/> old (the gateway also refreshes its running sessions' answers ahead of that, so a rekey
/// always finds one); a refresh that fails keeps the last answer found, so running sessions keep rekeying while the
/// node is unreachable or slow. A session never asked about is looked up in the background (one lookup per session,
/// at most <see cref="MaxConcurrent"/> at once, <see cref="MaxPending"/> waiting, each bounded by
/// <see cref="LookupTimeout"/>) and its handshake is handled again once the answer is there: it waits alone, and the
/// client's own retransmission covers a lookup that takes longer. Answers that a session does not exist are kept
/// <see cref="NotFoundTtl"/>, a failed first lookup <see cref="UnavailableTtl"/> (so the retried handshake gets a clear
/// refusal instead of looping); a directory that throws unexpectedly counts as unavailable (one log line per lookup).
/// Lookups under way end when <paramref name="stopping"/> is cancelled (the gateway stops).
/// </summary>
internal sealed class SessionLookupCache(IProviderDirectory directory, TimeProvider time, ILogger logger, CancellationToken stopping)
{
    /// <summary>Age after which an answer found is refreshed in the background (it is still served meanwhile).</summary>
    public static readonly TimeSpan RefreshAfter = TimeSpan.FromSeconds(60);

    /// <summary>How long an answer that the session does not exist is kept.</summary>
    public static readonly TimeSpan NotFoundTtl = TimeSpan.FromSeconds(5);

    /// <summary>How long a failed first lookup is answered from memory.</summary>
    public static readonly TimeSpan UnavailableTtl = TimeSpan.FromSeconds(2);

    /// <summary>A lookup the directory has not answered within this counts as unavailable.</summary>
    public static readonly TimeSpan LookupTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Lookups waiting or running at most (more new sessions at once are dropped and retried by their clients).</summary>
    public const int MaxPending = 512;

    /// <summary>Lookups running at once at most.</summary>
    public const int MaxConcurrent = 16;

    /// <summary>Answers kept at most; past this, the oldest ones of sessions not running go.</summary>
    private const int MaxEntries = 1 << 16;

    private readonly ConcurrentDictionary<ulong, Entry> _entries = new();
    private readonly ConcurrentDictionary<ulong, Task> _pending = new();
    private readonly SemaphoreSlim _concurrency = new(MaxConcurrent, MaxConcurrent);
    private long _lookups;
    private long _failures;

    /// <summary>Lookups sent to the directory since start.</summary>
    public long Lookups => Interlocked.Read(ref _lookups);

    /// <summary>Lookups that failed or timed out since start.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Lookups waiting or running now.</summary>
    public int Pending => _pending.Count;

    /// <summary>
    /// The answer for <paramref name="sessionId"/> if one is known (a found one even when old: a refresh then starts in
    /// the background); false when the directory must be asked first (<see cref="LookUp"/>).
    /// </summary>
    public bool TryGet(ulong sessionId, out Lookup<SessionRecord> lookup)
    {
        if (_entries.TryGetValue(sessionId, out var entry))
        {
            var age = time.GetElapsedTime(entry.At);
            var fresh = entry.Lookup.Status switch
            {
                LookupStatus.Found => true,
                LookupStatus.NotFound => age < NotFoundTtl,
                _ => age < UnavailableTtl,
            };
            if (fresh)
            {
                if (entry.Lookup.Status == LookupStatus.Found && age >= RefreshAfter)
                {
                    Start(sessionId);
                }

                lookup = entry.Lookup;
                return true;
            }
        }

        lookup = default;
        return false;
    }

    /// <summary>
    /// Asks the directory about <paramref name="sessionId"/> in the background (joining a lookup already under way) and
    /// calls <paramref name="then"/> once it has answered, failed or timed out.
    /// </summary>
    /// <returns>False (and <paramref name="then"/> is not called) when too many lookups are pending.</returns>
    public bool LookUp(ulong sessionId, Action then)
    {
        var task = Start(sessionId);
        if (task is null)
        {
            return false;
        }

        task.ContinueWith(_ => then(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return true;
    }

    /// <summary>Refreshes the answer for a running session in the background if it is older than <paramref name="ahead"/>.</summary>
    public void KeepFresh(ulong sessionId, TimeSpan ahead)
    {
        if (!_entries.TryGetValue(sessionId, out var entry) || time.GetElapsedTime(entry.At) >= ahead)
        {
            Start(sessionId);
        }
    }

    /// <summary>Forgets answers older than <paramref name="age"/> of sessions <paramref name="isRunning"/> does not name.</summary>
    public void Sweep(TimeSpan age, Func<ulong, bool> isRunning)
    {
        var now = time.GetTimestamp();
        var limit = _entries.Count > MaxEntries ? TimeSpan.Zero : age;
        foreach (var (id, entry) in _entries)
        {
            if (time.GetElapsedTime(entry.At, now) >= limit && !isRunning(id))
            {
                _entries.TryRemove(id, out _);
            }
        }
    }

    private Task? Start(ulong sessionId)
    {
        if (_pending.TryGetValue(sessionId, out var running))
        {
            return running;
        }

        if (_pending.Count >= MaxPending)
        {
            return null;
        }

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var task = start.Task.ContinueWith(_ => FetchAsync(sessionId), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
        if (!_pending.TryAdd(sessionId, task))
        {
            return _pending.TryGetValue(sessionId, out running) ? running : null;
        }

        start.SetResult();
        return task;
    }

    private async Task FetchAsync(ulong sessionId)
    {
        try
        {
            await _concurrency.WaitAsync(stopping).ConfigureAwait(false);
            try
            {
                Interlocked.Increment(ref _lookups);
                var (result, logged) = await AskAsync(sessionId).ConfigureAwait(false);
                var now = time.GetTimestamp();
                if (result.Status == LookupStatus.Unavailable)
                {
                    Interlocked.Increment(ref _failures);
                    if (_entries.TryGetValue(sessionId, out var known) && known.Lookup.Status == LookupStatus.Found)
                    {
                        // Keep serving what was found; try again in UnavailableTtl rather than on every handshake.
                        if (!logged)
                        {
                            logger.LogWarning("session {Session}: refreshing its on-chain terms failed ({Detail}); the last answer stays in use", sessionId, result.Detail);
                        }

                        _entries[sessionId] = known with { At = now - (long)((RefreshAfter - UnavailableTtl).TotalSeconds * time.TimestampFrequency) };
                        return;
                    }
                }

                _entries[sessionId] = new Entry(result, now);
            }
            finally
            {
                _concurrency.Release();
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        finally
        {
            _pending.TryRemove(sessionId, out _);
        }
    }

    /// <returns>The answer, and whether a line was logged about it (an unexpected failure).</returns>
    private async Task<(Lookup<SessionRecord> Result, bool Logged)> AskAsync(ulong sessionId)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(LookupTimeout);
        try
        {
            // WaitAsync as well: a directory that ignores the token still cannot hold a lookup slot past the bound.
            return (await directory.GetSessionAsync(sessionId, timeout.Token).AsTask().WaitAsync(LookupTimeout, stopping).ConfigureAwait(false), false);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException && !stopping.IsCancellationRequested)
        {
            return (Lookup<SessionRecord>.Unavailable($"the directory did not answer within {LookupTimeout.TotalSeconds:0} s"), false);
        }
        catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException))
        {
            // A directory that throws (a bug, an RPC client's unexpected error) answers "unavailable" like one that is
            // down: the handshake gets a clear refusal, a running session keeps its last answer; nothing faults.
            logger.LogWarning("session {Session}: the directory lookup failed unexpectedly ({Type}: {Error}); answered as unavailable (a running session keeps its last answer)",
                sessionId, e.GetType().Name, e.Message);
            return (Lookup<SessionRecord>.Unavailable($"the directory failed: {e.Message}"), true);
        }
    }

    private readonly record struct Entry(Lookup<SessionRecord> Lookup, long At);
}
