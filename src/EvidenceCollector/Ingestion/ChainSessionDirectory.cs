using System.Collections.Concurrent;
using EvidenceCollector.Log;
using Npgsql;
using Oracle.Chain;
using Oracle.Chain.Deployment;
using Oracle.Chain.Sessions;
using Oracle.Storage;

namespace EvidenceCollector.Ingestion;

/// <summary>
/// Sessions from the SessionManager. Most are known before their first batch: the <see cref="SessionWatcher"/> follows
/// the SessionOpened events, checks each one's terms against the contract's commitment, keeps them in
/// <c>chain_sessions</c> and hands them here (<see cref="Learn"/>). A session not learnt that way (opened after the
/// watcher's last poll, or learnt by another collector process) is read from <c>chain_sessions</c>, and else from the
/// chain itself (<see cref="SessionReader"/>: the SessionOpened terms, checked against the contract's commitment): the
/// same check either way, and a batch of a session nobody opened is still refused. While the watcher has not caught up
/// with the chain since the process started, a lookup of a session it has not handed over waits for it (at most
/// <see cref="CatchUpWait"/>). A session's parties never change, so a found session is remembered; an unknown id is
/// remembered for a short while (until the watcher sees it opened), so a flood of batches naming made-up sessions costs
/// one log query per id and minute. Concurrent lookups of one id share one query.
/// </summary>
internal sealed class ChainSessionDirectory(ChainContext chain, OracleDatabase database, CollectorMetrics metrics, TimeProvider time) : ISessionDirectory
{
    /// <summary>The longest a lookup waits for the watcher's first catch-up before reading the session itself.</summary>
    public static readonly TimeSpan CatchUpWait = TimeSpan.FromSeconds(5);

    private const int MaxRemembered = 100_000;
    private static readonly TimeSpan UnknownFor = TimeSpan.FromMinutes(1);
    private readonly SessionReader _reader = new(chain.Web3, chain.AddressOf(ContractNames.SessionManager), chain.DeploymentBlock(ContractNames.SessionManager), chain.MaxLogRange);
    private readonly ConcurrentDictionary<ulong, OnChainSession> _known = new();
    private readonly ConcurrentDictionary<ulong, DateTimeOffset> _unknown = new();
    private readonly ConcurrentDictionary<ulong, Lazy<Task<OnChainSession?>>> _pending = new();
    private readonly TaskCompletionSource _caughtUp = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Sessions found by the chain reads of <see cref="FindAsync"/> (not handed over by the watcher).</summary>
    public long ChainReads => Interlocked.Read(ref _chainReads);

    private long _chainReads;

    /// <inheritdoc />
    public async Task<OnChainSession?> FindAsync(ulong sessionId, CancellationToken cancellationToken)
    {
        if (_known.TryGetValue(sessionId, out var session))
        {
            return session;
        }

        if (!_caughtUp.Task.IsCompleted)
        {
            await _caughtUp.Task.WaitAsync(CatchUpWait, time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            cancellationToken.ThrowIfCancellationRequested();
            if (_known.TryGetValue(sessionId, out session))
            {
                return session;
            }
        }

        if (_unknown.TryGetValue(sessionId, out var until) && until > time.GetUtcNow())
        {
            return null;
        }

        var lookup = _pending.GetOrAdd(sessionId, id => new Lazy<Task<OnChainSession?>>(() => ReadAsync(id)));
        try
        {
            return await lookup.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _pending.TryRemove(new KeyValuePair<ulong, Lazy<Task<OnChainSession?>>>(sessionId, lookup));
        }
    }

    /// <summary>The watcher found <paramref name="session"/> opened on-chain, its terms checked against the commitment.</summary>
    public void Learn(OnChainSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        Trim();
        _known[session.SessionId] = session;
        _unknown.TryRemove(session.SessionId, out _);
    }

    /// <summary>
    /// A reorganization replaced blocks the watcher had read: every remembered session is forgotten (each is read again
    /// at its next batch, from <c>chain_sessions</c> as the watcher rewrote it, or from the chain).
    /// </summary>
    public void Forget()
    {
        _known.Clear();
        _unknown.Clear();
    }

    /// <summary>The watcher caught up with the chain (or stopped): lookups no longer wait for it.</summary>
    public void CaughtUp() => _caughtUp.TrySetResult();

    private async Task<OnChainSession?> ReadAsync(ulong sessionId)
    {
        // Not cancelled by one caller: others may be waiting for the same answer.
        var session = await ReadWatchedAsync(sessionId).ConfigureAwait(false);
        if (session is not null)
        {
            metrics.Add(CollectorCounters.SessionsFound, reason: "database");
        }
        else
        {
            var found = await _reader.FindAsync(sessionId, CancellationToken.None).ConfigureAwait(false);
            Interlocked.Increment(ref _chainReads);
            metrics.Add(CollectorCounters.SessionsFound, reason: found is null ? "chain-unknown" : "chain");
            session = found is { } f ? new OnChainSession(sessionId, f.Record.Terms.Provider, f.Record.Terms.Client, f.Record.Terms.OpenedAt) : null;
        }

        Trim();
        if (session is null)
        {
            _unknown[sessionId] = time.GetUtcNow() + UnknownFor;
            return null;
        }

        _known[sessionId] = session;
        _unknown.TryRemove(sessionId, out _);
        return session;
    }

    // What a session watcher (of this process before a restart, or of another process) kept.
    private async Task<OnChainSession?> ReadWatchedAsync(ulong sessionId)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT provider, client, opened_at FROM chain_sessions WHERE session_id = @s", connection);
        command.Parameters.AddWithValue("s", DbIds.Session(sessionId));
        await using var reader = await command.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false);
        return await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false)
            ? new OnChainSession(sessionId, reader.GetString(0), reader.GetString(1), (ulong)reader.GetInt64(2))
            : null;
    }

    private void Trim()
    {
        if (_known.Count + _unknown.Count > MaxRemembered)
        {
            _known.Clear();
            _unknown.Clear();
        }
    }
}
