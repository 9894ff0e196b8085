using System.Data.Common;
using Oracle.Chain.Events;

namespace OracleNode.Storage;

/// <summary>
/// Everything the node keeps: the projections of the chain events it watches (rolled back with the chain), and its
/// own journal of votes, alerts, actions and price reports (never rolled back). Two implementations with the same
/// tables and SQL: the service's PostgreSQL schema (<see cref="PostgresNodeStore"/>) and an embedded SQLite file for
/// a single operator without a database server (<see cref="SqliteNodeStore"/>).
/// </summary>
/// <remarks>
/// Durability is the point of the journal: <see cref="TryAddJournalAsync"/> returns only once the vote and its salt
/// are committed to disk (PostgreSQL's commit; SQLite in WAL mode with <c>synchronous=FULL</c>), and the node sends a
/// commit transaction only after it returned.
/// </remarks>
internal interface INodeStore
{
    /// <summary>What and where the store is, for logs and <c>status</c>.</summary>
    string Description { get; }

    /// <summary>Creates or updates the tables (the node's and the chain watcher's cursor tables) before first use.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Where the chain watcher keeps its cursor: in the same database, so projected rows and cursor commit together.</summary>
    IChainCursorStore Cursors { get; }

    /// <summary>An open connection with the store's settings.</summary>
    Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Disputes not finished yet (no outcome, or rewards and settlements of the node's rounds pending).</summary>
    Task<IReadOnlyList<DisputeRow>> ActiveDisputesAsync(CancellationToken cancellationToken);

    /// <summary>Every dispute known, newest first (status).</summary>
    Task<IReadOnlyList<DisputeRow>> DisputesAsync(int limit, CancellationToken cancellationToken);

    /// <summary>One dispute, or null.</summary>
    Task<DisputeRow?> DisputeAsync(ulong disputeId, CancellationToken cancellationToken);

    /// <summary>The rounds started so far, by round.</summary>
    Task<IReadOnlyList<RoundRow>> RoundsAsync(ulong disputeId, CancellationToken cancellationToken);

    /// <summary>The committees drawn so far, by round.</summary>
    Task<IReadOnlyList<CommitteeRow>> CommitteesAsync(ulong disputeId, CancellationToken cancellationToken);

    /// <summary>A session's terms, or null when its <c>SessionOpened</c> was not seen.</summary>
    Task<SessionRow?> SessionAsync(ulong sessionId, CancellationToken cancellationToken);

    /// <summary>Evidence documents submitted for a dispute (<c>EvidenceSubmitted</c>), in chain order.</summary>
    Task<IReadOnlyList<DocumentRow>> DocumentsAsync(ulong disputeId, CancellationToken cancellationToken);

    /// <summary>Every anchor of <paramref name="logId"/> with <paramref name="treeSize"/> leaves (normally one).</summary>
    Task<IReadOnlyList<AnchorRow>> AnchorsAsync(string logId, ulong treeSize, CancellationToken cancellationToken);

    /// <summary>Every anchor of <paramref name="logId"/> (0x-hex), in chain order.</summary>
    Task<IReadOnlyList<AnchorRow>> LogAnchorsAsync(string logId, CancellationToken cancellationToken);

    /// <summary>The latest known stake of every oracle that ever staked.</summary>
    Task<IReadOnlyList<StakeRow>> StakesAsync(CancellationToken cancellationToken);

    /// <summary>Events of one dispute (votes seen, settlements, rewards, slashes, ruling), in chain order.</summary>
    Task<IReadOnlyList<DisputeEventRow>> DisputeEventsAsync(ulong disputeId, CancellationToken cancellationToken);

    /// <summary>Events that concern <paramref name="account"/> (its rewards, slashes, credits), newest first.</summary>
    Task<IReadOnlyList<DisputeEventRow>> AccountEventsAsync(string account, int limit, CancellationToken cancellationToken);

    /// <summary>A block's timestamp remembered earlier, or null.</summary>
    Task<ulong?> BlockTimeAsync(ulong block, CancellationToken cancellationToken);

    /// <summary>Remembers a block's timestamp (rolled back with the block).</summary>
    Task SaveBlockTimeAsync(ulong block, ulong unixTime, CancellationToken cancellationToken);

    /// <summary>The node's journal entry for a seat (dispute, round, record), or null.</summary>
    Task<JournalEntry?> JournalAsync(ulong disputeId, int round, string recordHash, CancellationToken cancellationToken);

    /// <summary>Every journal entry, newest first (status).</summary>
    Task<IReadOnlyList<JournalEntry>> JournalAsync(int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="entry"/> durably unless an entry for its seat exists; returns the entry that is stored
    /// (the existing one wins: a vote once journaled is never replaced).
    /// </summary>
    Task<JournalEntry> TryAddJournalAsync(JournalEntry entry, CancellationToken cancellationToken);

    /// <summary>Records that the commitment is on-chain.</summary>
    Task MarkCommittedAsync(ulong disputeId, int round, string recordHash, ulong at, string? transactionHash, CancellationToken cancellationToken);

    /// <summary>Records that the vote is revealed on-chain.</summary>
    Task MarkRevealedAsync(ulong disputeId, int round, string recordHash, ulong at, string? transactionHash, CancellationToken cancellationToken);

    /// <summary>Raises an alert once per (kind, dispute, round); returns whether it is new.</summary>
    Task<bool> AlertAsync(string kind, ulong? disputeId, int? round, string message, ulong at, CancellationToken cancellationToken);

    /// <summary>The latest alerts.</summary>
    Task<IReadOnlyList<AlertRow>> AlertsAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Logs a transaction the node sent (or tried) for a dispute.</summary>
    Task RecordActionAsync(string action, ulong? disputeId, int? round, string outcome, string? transactionHash, ulong at, CancellationToken cancellationToken);

    /// <summary>The latest actions.</summary>
    Task<IReadOnlyList<ActionRow>> ActionsAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Logs a price report (sent or refused).</summary>
    Task RecordPriceReportAsync(PriceReportRow report, CancellationToken cancellationToken);

    /// <summary>The latest price reports.</summary>
    Task<IReadOnlyList<PriceReportRow>> PriceReportsAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Marks a dispute as needing nothing more from the node.</summary>
    Task MarkFinishedAsync(ulong disputeId, ulong at, CancellationToken cancellationToken);
}
