using EvidenceCollector.Log;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Oracle.Chain;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Chain.Deployment;
using Oracle.Storage;

namespace EvidenceCollector.Retention;

/// <summary>
/// The sequencer's retention duty: deletes the records of sessions whose dispute window closed on-chain more than
/// <see cref="RetentionOptions.Grace"/> ago and that have no open dispute (<see cref="RetentionRule"/>, on chain time).
/// Leaf hashes, checkpoints, vouchers and both logs stay forever, so every proof still holds; a record proof then
/// carries an empty record.
/// </summary>
internal sealed class RecordRetention(
    OracleDatabase database,
    ChainContext chain,
    IOptions<RetentionOptions> options,
    CollectorMetrics metrics,
    TimeProvider time,
    ILogger<RecordRetention> logger) : ILeaderDuty
{
    private const int Batch = 100;

    /// <inheritdoc />
    public string Name => "retention";

    /// <inheritdoc />
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await PruneAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning("record retention failed, trying again in {Interval}: {Error}", options.Value.Interval, e.Message);
            }

            await Task.Delay(options.Value.Interval, time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Deletes the records of every session whose retention ended; returns how many sessions were pruned.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var sessions = new SessionManagerService(chain.Web3, chain.AddressOf(ContractNames.SessionManager));
        var maxDuration = await sessions.MaxSessionDurationQueryAsync(null, cancellationToken);
        var disputeWindow = await sessions.DisputeWindowQueryAsync(null, cancellationToken);
        var latest = await chain.Web3.Eth.Blocks.GetBlockWithTransactionsHashesByNumber.SendRequestAsync(Nethereum.RPC.Eth.DTOs.BlockParameter.CreateLatest()).WaitAsync(cancellationToken);
        var now = (ulong)latest.Timestamp.Value;
        var horizon = maxDuration + disputeWindow + (ulong)options.Value.Grace.TotalSeconds;
        if (now < horizon)
        {
            return 0;
        }

        var pruned = 0;
        long after = long.MinValue;
        while (true)
        {
            var candidates = new List<(long Key, ulong OpenedAt)>();
            await using (var connection = await database.DataSource.OpenConnectionAsync(cancellationToken))
            await using (var command = new NpgsqlCommand(
                "SELECT session_id, opened_at FROM sessions WHERE records_pruned_at IS NULL AND opened_at <= @closedBefore AND session_id > @after ORDER BY session_id LIMIT @batch", connection))
            {
                // Without a close, a session's liability ends at openedAt + maxSessionDuration + disputeWindow at the latest.
                command.Parameters.AddWithValue("closedBefore", (long)(now - horizon));
                command.Parameters.AddWithValue("after", after);
                command.Parameters.AddWithValue("batch", Batch);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    candidates.Add((reader.GetInt64(0), (ulong)reader.GetInt64(1)));
                }
            }

            foreach (var (key, openedAt) in candidates)
            {
                after = key;
                var state = (await sessions.SessionStateQueryAsync(DbIds.Session(key), null, cancellationToken)).State;
                var expiresAt = RetentionRule.RecordsExpireAt(openedAt, state.ClosedAt, state.OpenDisputes, maxDuration, disputeWindow, options.Value.Grace);
                if (expiresAt is null || expiresAt > now)
                {
                    continue;
                }

                var records = await DeleteRecordsAsync(key, cancellationToken);
                metrics.Add(CollectorCounters.RecordsPruned, records);
                pruned++;
                logger.LogInformation("session {Session}: {Records} records deleted, its dispute window closed (hashes, checkpoints and proofs stay)", DbIds.Session(key), records);
            }

            if (candidates.Count < Batch)
            {
                return pruned;
            }
        }
    }

    private async Task<long> DeleteRecordsAsync(long session, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "UPDATE leaves SET record = NULL WHERE session_id = @s AND record IS NOT NULL; UPDATE sessions SET records_pruned_at = now() WHERE session_id = @s", connection, transaction);
        command.Parameters.AddWithValue("s", session);
        var records = await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return records - 1;
    }
}
