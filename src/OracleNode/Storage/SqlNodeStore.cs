using System.Data.Common;
using Dapper;

namespace OracleNode.Storage;

/// <summary>
/// The store's queries, written once in SQL that PostgreSQL and SQLite both accept; the two stores differ only in how
/// they open connections and create their tables.
/// </summary>
internal abstract class SqlNodeStore : INodeStore
{
    static SqlNodeStore() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    public abstract string Description { get; }

    public abstract Task InitializeAsync(CancellationToken cancellationToken);

    public abstract Oracle.Chain.Events.IChainCursorStore Cursors { get; }

    public abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    public Task<IReadOnlyList<DisputeRow>> ActiveDisputesAsync(CancellationToken cancellationToken)
        => QueryAsync<DisputeRow>("SELECT * FROM disputes WHERE dispute_id NOT IN (SELECT dispute_id FROM finished) ORDER BY dispute_id", null, cancellationToken);

    public Task<IReadOnlyList<DisputeRow>> DisputesAsync(int limit, CancellationToken cancellationToken)
        => QueryAsync<DisputeRow>("SELECT * FROM disputes ORDER BY dispute_id DESC LIMIT @limit", new { limit }, cancellationToken);

    public async Task<DisputeRow?> DisputeAsync(ulong disputeId, CancellationToken cancellationToken)
        => (await QueryAsync<DisputeRow>("SELECT * FROM disputes WHERE dispute_id = @id", new { id = (long)disputeId }, cancellationToken)).SingleOrDefault();

    public Task<IReadOnlyList<RoundRow>> RoundsAsync(ulong disputeId, CancellationToken cancellationToken)
        => QueryAsync<RoundRow>("SELECT * FROM rounds WHERE dispute_id = @id ORDER BY round", new { id = (long)disputeId }, cancellationToken);

    public Task<IReadOnlyList<CommitteeRow>> CommitteesAsync(ulong disputeId, CancellationToken cancellationToken)
        => QueryAsync<CommitteeRow>("SELECT * FROM committees WHERE dispute_id = @id ORDER BY round", new { id = (long)disputeId }, cancellationToken);

    public async Task<SessionRow?> SessionAsync(ulong sessionId, CancellationToken cancellationToken)
        => (await QueryAsync<SessionRow>("SELECT * FROM sessions WHERE session_id = @id", new { id = (long)sessionId }, cancellationToken)).SingleOrDefault();

    public Task<IReadOnlyList<DocumentRow>> DocumentsAsync(ulong disputeId, CancellationToken cancellationToken)
        => QueryAsync<DocumentRow>("SELECT * FROM documents WHERE dispute_id = @id ORDER BY block, log_index", new { id = (long)disputeId }, cancellationToken);

    public Task<IReadOnlyList<AnchorRow>> AnchorsAsync(string logId, ulong treeSize, CancellationToken cancellationToken)
        => QueryAsync<AnchorRow>("SELECT * FROM anchors WHERE log_id = @logId AND tree_size = @size ORDER BY block, log_index",
            new { logId = logId.ToLowerInvariant(), size = (long)treeSize }, cancellationToken);

    public Task<IReadOnlyList<AnchorRow>> LogAnchorsAsync(string logId, CancellationToken cancellationToken)
        => QueryAsync<AnchorRow>("SELECT * FROM anchors WHERE log_id = @logId ORDER BY block, log_index", new { logId = logId.ToLowerInvariant() }, cancellationToken);

    public Task<IReadOnlyList<StakeRow>> StakesAsync(CancellationToken cancellationToken)
        => QueryAsync<StakeRow>("""
            SELECT s.oracle, s.stake FROM stakes s
            WHERE NOT EXISTS (SELECT 1 FROM stakes t WHERE t.oracle = s.oracle AND (t.block > s.block OR (t.block = s.block AND t.log_index > s.log_index)))
            ORDER BY s.oracle
            """, null, cancellationToken);

    public Task<IReadOnlyList<DisputeEventRow>> DisputeEventsAsync(ulong disputeId, CancellationToken cancellationToken)
        => QueryAsync<DisputeEventRow>("SELECT * FROM dispute_events WHERE dispute_id = @id ORDER BY block, log_index", new { id = (long)disputeId }, cancellationToken);

    public Task<IReadOnlyList<DisputeEventRow>> AccountEventsAsync(string account, int limit, CancellationToken cancellationToken)
        => QueryAsync<DisputeEventRow>("SELECT * FROM dispute_events WHERE account = @account ORDER BY block DESC, log_index DESC LIMIT @limit",
            new { account = account.ToLowerInvariant(), limit }, cancellationToken);

    public async Task<ulong?> BlockTimeAsync(ulong block, CancellationToken cancellationToken)
        => (await QueryAsync<long>("SELECT unix_time FROM block_times WHERE block = @block", new { block = (long)block }, cancellationToken)) is [var t] ? (ulong)t : null;

    public Task SaveBlockTimeAsync(ulong block, ulong unixTime, CancellationToken cancellationToken)
        => ExecuteAsync("INSERT INTO block_times (block, unix_time) VALUES (@block, @time) ON CONFLICT (block) DO NOTHING",
            new { block = (long)block, time = (long)unixTime }, cancellationToken);

    public async Task<JournalEntry?> JournalAsync(ulong disputeId, int round, string recordHash, CancellationToken cancellationToken)
        => (await QueryAsync<JournalEntry>("SELECT * FROM journal WHERE dispute_id = @id AND round = @round AND record_hash = @recordHash",
            new { id = (long)disputeId, round, recordHash }, cancellationToken)).SingleOrDefault();

    public Task<IReadOnlyList<JournalEntry>> JournalAsync(int limit, CancellationToken cancellationToken)
        => QueryAsync<JournalEntry>("SELECT * FROM journal ORDER BY decided_at DESC, dispute_id DESC, round DESC LIMIT @limit", new { limit }, cancellationToken);

    public async Task<JournalEntry> TryAddJournalAsync(JournalEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await ExecuteAsync("""
            INSERT INTO journal (dispute_id, round, record_hash, juror, vote, salt, commitment, rule, reasons, decided_at)
            VALUES (@DisputeId, @Round, @RecordHash, @Juror, @Vote, @Salt, @Commitment, @Rule, @Reasons, @DecidedAt)
            ON CONFLICT (dispute_id, round, record_hash) DO NOTHING
            """, entry, cancellationToken);
        return await JournalAsync((ulong)entry.DisputeId, (int)entry.Round, entry.RecordHash, cancellationToken)
            ?? throw new InvalidOperationException($"the journal entry of dispute {entry.DisputeId} round {entry.Round} was not stored");
    }

    public Task MarkCommittedAsync(ulong disputeId, int round, string recordHash, ulong at, string? transactionHash, CancellationToken cancellationToken)
        => ExecuteAsync("""
            UPDATE journal SET committed_at = COALESCE(committed_at, @at), commit_transaction = COALESCE(commit_transaction, @tx)
            WHERE dispute_id = @id AND round = @round AND record_hash = @recordHash
            """, new { id = (long)disputeId, round, recordHash, at = (long)at, tx = transactionHash }, cancellationToken);

    public Task MarkRevealedAsync(ulong disputeId, int round, string recordHash, ulong at, string? transactionHash, CancellationToken cancellationToken)
        => ExecuteAsync("""
            UPDATE journal SET revealed_at = COALESCE(revealed_at, @at), reveal_transaction = COALESCE(reveal_transaction, @tx)
            WHERE dispute_id = @id AND round = @round AND record_hash = @recordHash
            """, new { id = (long)disputeId, round, recordHash, at = (long)at, tx = transactionHash }, cancellationToken);

    public async Task<bool> AlertAsync(string kind, ulong? disputeId, int? round, string message, ulong at, CancellationToken cancellationToken)
    {
        // NULLs are distinct in UNIQUE constraints, so alerts without a dispute are told apart by -1.
        var changed = await ExecuteAsync("""
            INSERT INTO alerts (at, kind, dispute_id, round, message) VALUES (@at, @kind, @id, @round, @message)
            ON CONFLICT (kind, dispute_id, round) DO NOTHING
            """, new { at = (long)at, kind, id = disputeId is { } d ? (long)d : -1L, round = round ?? -1, message }, cancellationToken);
        return changed > 0;
    }

    public Task<IReadOnlyList<AlertRow>> AlertsAsync(int limit, CancellationToken cancellationToken)
        => QueryAsync<AlertRow>("SELECT * FROM alerts ORDER BY id DESC LIMIT @limit", new { limit }, cancellationToken);

    public Task RecordActionAsync(string action, ulong? disputeId, int? round, string outcome, string? transactionHash, ulong at, CancellationToken cancellationToken)
        => ExecuteAsync("""
            INSERT INTO actions (at, action, dispute_id, round, outcome, transaction_hash) VALUES (@at, @action, @id, @round, @outcome, @tx)
            """, new { at = (long)at, action, id = disputeId is { } d ? (long?)d : null, round, outcome, tx = transactionHash }, cancellationToken);

    public Task<IReadOnlyList<ActionRow>> ActionsAsync(int limit, CancellationToken cancellationToken)
        => QueryAsync<ActionRow>("SELECT * FROM actions ORDER BY id DESC LIMIT @limit", new { limit }, cancellationToken);

    public Task RecordPriceReportAsync(PriceReportRow report, CancellationToken cancellationToken)
        => ExecuteAsync("""
            INSERT INTO price_reports (at, feed, round_id, answer, outcome, detail, transaction_hash)
            VALUES (@At, @Feed, @RoundId, @Answer, @Outcome, @Detail, @TransactionHash)
            """, report, cancellationToken);

    public Task<IReadOnlyList<PriceReportRow>> PriceReportsAsync(int limit, CancellationToken cancellationToken)
        => QueryAsync<PriceReportRow>("SELECT * FROM price_reports ORDER BY id DESC LIMIT @limit", new { limit }, cancellationToken);

    public Task MarkFinishedAsync(ulong disputeId, ulong at, CancellationToken cancellationToken)
        => ExecuteAsync("INSERT INTO finished (dispute_id, at) VALUES (@id, @at) ON CONFLICT (dispute_id) DO NOTHING",
            new { id = (long)disputeId, at = (long)at }, cancellationToken);

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return [.. await connection.QueryAsync<T>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false)];
    }

    private async Task<int> ExecuteAsync(string sql, object? parameters, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }
}
