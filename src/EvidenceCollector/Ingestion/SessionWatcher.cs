using System.Data.Common;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Oracle.Chain;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Chain.Deployment;
using Oracle.Chain.Events;
using Oracle.Chain.Sessions;

namespace EvidenceCollector.Ingestion;

/// <summary>
/// Follows the SessionManager's SessionOpened events with the platform's <see cref="ChainWatcher"/> (cursor
/// <see cref="WatcherName"/> in the collector's schema), so that the collector knows a session before its first batch
/// instead of reading it from the chain then (four calls to the node, on the batch's path). Each event's terms are
/// checked against the contract's commitment (<c>isSession</c>, as <see cref="SessionReader"/> does; a session whose
/// event does not match is left to the lookup at its first batch), kept in <c>chain_sessions</c> with the cursor, and
/// handed to the <see cref="ChainSessionDirectory"/>. A reorganization deletes the rows of the replaced blocks and makes
/// the directory forget what it remembered. Several processes of one collector share the cursor (one applies each range).
/// </summary>
internal sealed partial class SessionWatcher(
    ChainContext chain,
    IChainCursorStore cursors,
    ChainSessionDirectory directory,
    ChainWatcherOptions options,
    IOptions<IngestionOptions> ingestion,
    CollectorMetrics metrics,
    ILogger<SessionWatcher> logger,
    ILogger<ChainWatcher> watcherLogger,
    TimeProvider time) : BackgroundService, IChainEventHandler
{
    /// <summary>The watcher's cursor name.</summary>
    public const string WatcherName = "collector-sessions";

    private const int ChecksInFlight = 16;
    private readonly SessionManagerService _sessions = new(chain.Web3, chain.AddressOf(ContractNames.SessionManager));

    /// <inheritdoc />
    public async Task HandleAsync(ChainEventBatch batch, IChainCursorTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(transaction);
        var opened = batch.Events.Where(e => e.Event is SessionOpenedEvent)
            .Select(e => SessionRecord.FromEvent((SessionOpenedEvent)e.Event, e.BlockNumber)).ToList();
        if (opened.Count == 0)
        {
            return;
        }

        // The same check as a lookup at the first batch: the event's terms are the contract's commitment.
        var matches = new bool[opened.Count];
        await Parallel.ForAsync(0, opened.Count, new ParallelOptions { MaxDegreeOfParallelism = ChecksInFlight, CancellationToken = cancellationToken },
            async (i, ct) => matches[i] = await _sessions.IsSessionQueryAsync(opened[i].SessionId, opened[i].Terms, null, ct).ConfigureAwait(false)).ConfigureAwait(false);
        var learnt = new List<(OnChainSession Session, ulong Block)>(opened.Count);
        for (var i = 0; i < opened.Count; i++)
        {
            if (!matches[i])
            {
                LogNotCommitted(logger, opened[i].SessionId, opened[i].BlockNumber);
                continue;
            }

            var terms = opened[i].Terms;
            learnt.Add((new OnChainSession(opened[i].SessionId, terms.Provider, terms.Client, terms.OpenedAt), opened[i].BlockNumber));
        }

        if (learnt.Count > 0)
        {
            // One statement for the range's sessions (a first start reads every session since the deployment).
            await using var command = new NpgsqlCommand(
                "INSERT INTO chain_sessions (session_id, provider, client, opened_at, block_number) SELECT * FROM unnest(@s, @p, @c, @o, @b) " +
                "ON CONFLICT (session_id) DO UPDATE SET provider = EXCLUDED.provider, client = EXCLUDED.client, opened_at = EXCLUDED.opened_at, block_number = EXCLUDED.block_number",
                (NpgsqlConnection)transaction.Connection, (NpgsqlTransaction)transaction.Transaction);
            command.Parameters.Add(new NpgsqlParameter("s", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = learnt.Select(l => Log.DbIds.Session(l.Session.SessionId)).ToArray() });
            command.Parameters.Add(new NpgsqlParameter("p", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = learnt.Select(l => l.Session.Provider).ToArray() });
            command.Parameters.Add(new NpgsqlParameter("c", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = learnt.Select(l => l.Session.Client).ToArray() });
            command.Parameters.Add(new NpgsqlParameter("o", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = learnt.Select(l => checked((long)l.Session.OpenedAt)).ToArray() });
            command.Parameters.Add(new NpgsqlParameter("b", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = learnt.Select(l => checked((long)l.Block)).ToArray() });
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // Handed over before the commit: each is an on-chain session whatever becomes of this step.
        foreach (var (session, _) in learnt)
        {
            directory.Learn(session);
        }

        metrics.Add(CollectorCounters.SessionsFound, learnt.Count, reason: "watcher");
    }

    /// <inheritdoc />
    public async Task RollbackAsync(ulong toBlock, IChainCursorTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        directory.Forget();
        await using var command = transaction.Connection.CreateCommand();
        command.Transaction = transaction.Transaction;
        command.CommandText = "DELETE FROM chain_sessions WHERE block_number > @b";
        Add(command, "b", checked((long)toBlock));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        LogRolledBack(logger, toBlock);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!ingestion.Value.WatchSessions)
        {
            directory.CaughtUp();
            return;
        }

        try
        {
            await WatchAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (ChainReorganizationException e)
        {
            // Sessions are read at their first batches from now on, as before the watcher.
            LogStopped(logger, e.Message);
        }
        finally
        {
            directory.CaughtUp();
        }
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        var delay = options.PollInterval;
        ChainWatcher? watcher = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (watcher is null)
                {
                    // The cursor tables are migrated with the collector's own (Oracle.Storage's shared migrations).
                    watcher = new ChainWatcher(chain, WatcherName, chain.DeploymentBlock(ContractNames.SessionManager), cursors, this, options, watcherLogger, time)
                        .Subscribe<SessionOpenedEvent>(chain.AddressOf(ContractNames.SessionManager));
                }

                var step = await watcher.StepAsync(cancellationToken).ConfigureAwait(false);
                delay = options.PollInterval;
                if (step.Kind == ChainWatcherStepKind.Idle)
                {
                    directory.CaughtUp();
                    await Task.Delay(options.PollInterval, time, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is not ChainReorganizationException && !cancellationToken.IsCancellationRequested)
            {
                // Node or database away: lookups at first batches go on meanwhile (they do not wait for a failing watcher).
                directory.CaughtUp();
                LogStepFailed(logger, e.GetBaseException().Message, (int)delay.TotalMilliseconds);
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                delay = delay * 2 > options.MaxRetryDelay ? options.MaxRetryDelay : delay * 2;
            }
        }
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "session watcher: the SessionOpened event of session {SessionId} (block {Block}) does not match the SessionManager's commitment; it is read again at its first batch")]
    private static partial void LogNotCommitted(ILogger logger, ulong sessionId, ulong block);

    [LoggerMessage(Level = LogLevel.Warning, Message = "session watcher: reorganization, sessions opened after block {Block} forgotten")]
    private static partial void LogRolledBack(ILogger logger, ulong block);

    [LoggerMessage(Level = LogLevel.Error, Message = "session watcher stopped ({Error}); sessions are read from the chain at their first batches")]
    private static partial void LogStopped(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "session watcher: step failed ({Error}); trying again in {Delay} ms")]
    private static partial void LogStepFailed(ILogger logger, string error, int delay);
}
