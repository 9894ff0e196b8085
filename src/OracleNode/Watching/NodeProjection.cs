using System.Data.Common;
using System.Globalization;
using Dapper;
using Nethereum.Util;
using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Chain.Events;
using Oracle.Chain.Contracts.EvidenceRegistry;
using Oracle.Chain.Contracts.OracleRegistry;
using Oracle.Chain.Contracts.SessionManager;
using OracleNode.Hosting;

namespace OracleNode.Watching;

/// <summary>
/// Writes the watched events into the node's tables, inside the watcher's transaction (so the rows and the watcher's
/// cursor commit together), and removes them again when a reorganization replaces their blocks. The node decides
/// nothing here: its duties read these tables and the chain's current state.
/// </summary>
/// <remarks>Every statement is plain SQL that PostgreSQL and SQLite both accept (the two stores share these tables).</remarks>
internal sealed class NodeProjection(NodeMetrics metrics)
{
    /// <summary>Every table filled from events, with the column holding the event's block.</summary>
    private static readonly string[] Tables = ["disputes", "rounds", "committees", "sessions", "documents", "anchors", "stakes", "dispute_events", "block_times"];

    /// <summary>Applies <paramref name="events"/> (in chain order) within <paramref name="transaction"/>.</summary>
    public async Task ApplyAsync(IReadOnlyList<ChainEvent> events, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        foreach (var e in events)
        {
            var at = new { block = (long)e.BlockNumber, log_index = (long)e.LogIndex };
            switch (e.Event)
            {
                case DisputeFiledEvent f:
                    await ExecuteAsync(connection, transaction, """
                        INSERT INTO disputes (dispute_id, session_id, filer, respondent, claim_type, rule_id, evidence_verified, filed_at,
                                              record, evidence_hash, evidence_uri, transaction_hash, block, log_index)
                        VALUES (@id, @session, @filer, @respondent, @claim, @rule, @verified, @filedAt, @record, @hash, @uri, @tx, @block, @log_index)
                        ON CONFLICT (dispute_id) DO NOTHING
                        """, new
                    {
                        id = (long)f.DisputeId,
                        session = (long)f.SessionId,
                        filer = Lower(f.Dispute.Filer),
                        respondent = Lower(f.Dispute.Respondent),
                        claim = (int)f.Dispute.ClaimType,
                        rule = (long)f.Dispute.RuleId,
                        verified = f.Dispute.EvidenceVerified ? 1 : 0,
                        filedAt = (long)f.Dispute.FiledAt,
                        record = DisputeRecords.Encode(f.Dispute),
                        hash = DisputeRecords.Hex(f.Dispute.EvidenceHash),
                        uri = f.EvidenceUri,
                        tx = e.TransactionHash.ToLowerInvariant(),
                        at.block,
                        at.log_index,
                    }, cancellationToken);
                    metrics.DisputesSeen.Add(1);
                    break;
                case RoundStartedEvent r:
                    await ExecuteAsync(connection, transaction, """
                        INSERT INTO rounds (dispute_id, round, size, block, log_index) VALUES (@id, @round, @size, @block, @log_index)
                        ON CONFLICT (dispute_id, round) DO NOTHING
                        """, new { id = (long)r.DisputeId, round = (int)r.Round, size = (int)r.Size, at.block, at.log_index }, cancellationToken);
                    break;
                case CommitteeDrawnEvent c:
                    await ExecuteAsync(connection, transaction, """
                        INSERT INTO committees (dispute_id, round, committee, commit_deadline, reveal_deadline, appeal_deadline, block, log_index)
                        VALUES (@id, @round, @committee, @commit, @reveal, @appeal, @block, @log_index)
                        ON CONFLICT (dispute_id, round) DO NOTHING
                        """, new
                    {
                        id = (long)c.DisputeId,
                        round = (int)c.Round,
                        committee = string.Join(',', c.Committee.Select(Lower)),
                        commit = (long)c.CommitDeadline,
                        reveal = (long)c.RevealDeadline,
                        appeal = (long)c.AppealDeadline,
                        at.block,
                        at.log_index,
                    }, cancellationToken);
                    break;
                case SessionOpenedEvent s:
                    var record = Oracle.Chain.Sessions.SessionRecord.FromEvent(s, e.BlockNumber);
                    await ExecuteAsync(connection, transaction, """
                        INSERT INTO sessions (session_id, client, provider, terms, panel, block, log_index)
                        VALUES (@id, @client, @provider, @terms, @panel, @block, @log_index)
                        ON CONFLICT (session_id) DO NOTHING
                        """, new
                    {
                        id = (long)s.SessionId,
                        client = Lower(s.Client),
                        provider = Lower(s.Provider),
                        terms = DisputeRecords.Encode(record.Terms),
                        panel = string.Join(',', s.Panel.Select(Lower)),
                        at.block,
                        at.log_index,
                    }, cancellationToken);
                    break;
                case EvidenceSubmittedEvent d:
                    await ExecuteAsync(connection, transaction, """
                        INSERT INTO documents (dispute_id, party, hash, uri, block, log_index) VALUES (@id, @party, @hash, @uri, @block, @log_index)
                        ON CONFLICT (block, log_index) DO NOTHING
                        """, new { id = (long)d.DisputeId, party = Lower(d.Party), hash = DisputeRecords.Hex(d.EvidenceHash), uri = d.EvidenceUri, at.block, at.log_index }, cancellationToken);
                    break;
                case CheckpointAnchoredEvent a:
                    await ExecuteAsync(connection, transaction, """
                        INSERT INTO anchors (log_id, collector, tree_size, root, block, log_index) VALUES (@log, @collector, @size, @root, @block, @log_index)
                        ON CONFLICT (block, log_index) DO NOTHING
                        """, new { log = DisputeRecords.Hex(a.LogId), collector = Lower(a.Collector), size = (long)a.TreeSize, root = DisputeRecords.Hex(a.Root), at.block, at.log_index }, cancellationToken);
                    break;
                case StakedEvent s:
                    await StakeAsync(connection, transaction, s.Oracle, s.Stake, at.block, at.log_index, cancellationToken);
                    break;
                case UnstakeRequestedEvent u:
                    await StakeAsync(connection, transaction, u.Oracle, u.Stake, at.block, at.log_index, cancellationToken);
                    break;
                case StakeSlashedEvent s:
                    await StakeAsync(connection, transaction, s.Oracle, s.Stake, at.block, at.log_index, cancellationToken);
                    break;
                case VoteCommittedEvent v:
                    await EventAsync(connection, transaction, v.DisputeId, v.Round, "committed", v.Juror, null, null, at.block, at.log_index, cancellationToken);
                    break;
                case VoteRevealedEvent v:
                    await EventAsync(connection, transaction, v.DisputeId, v.Round, "revealed", v.Juror, v.Seats.ToString(CultureInfo.InvariantCulture),
                        RulingName(v.Vote), at.block, at.log_index, cancellationToken);
                    break;
                case AppealedEvent a:
                    await EventAsync(connection, transaction, a.DisputeId, a.Round, "appealed", a.Appellant, a.Paid.ToString(CultureInfo.InvariantCulture), null, at.block, at.log_index, cancellationToken);
                    break;
                case RoundSettledEvent r:
                    await EventAsync(connection, transaction, r.DisputeId, r.Round, "settled", null, r.Slashed.ToString(CultureInfo.InvariantCulture),
                        $"{RulingName(r.Ruling)}; {r.CoherentSeats} coherent seats, {r.RewardPerSeat} per seat", at.block, at.log_index, cancellationToken);
                    break;
                case JurorSlashedEvent j:
                    await EventAsync(connection, transaction, j.DisputeId, j.Round, "slashed", j.Juror, j.Amount.ToString(CultureInfo.InvariantCulture), null, at.block, at.log_index, cancellationToken);
                    break;
                case RewardClaimedEvent r:
                    await EventAsync(connection, transaction, r.DisputeId, r.Round, "reward", r.Juror, r.Amount.ToString(CultureInfo.InvariantCulture), null, at.block, at.log_index, cancellationToken);
                    break;
                case RulingExecutedEvent r:
                    await EventAsync(connection, transaction, r.DisputeId, null, "ruling", r.Winner, r.Penalty.ToString(CultureInfo.InvariantCulture), RulingName(r.Ruling), at.block, at.log_index, cancellationToken);
                    break;
                case DisputeDismissedEvent d:
                    await EventAsync(connection, transaction, d.DisputeId, 0, "dismissed", d.Filer, d.Refund.ToString(CultureInfo.InvariantCulture), null, at.block, at.log_index, cancellationToken);
                    break;
                case AppealDismissedEvent d:
                    await EventAsync(connection, transaction, d.DisputeId, d.Round, "appeal-dismissed", d.Appellant, d.Refund.ToString(CultureInfo.InvariantCulture), null, at.block, at.log_index, cancellationToken);
                    break;
                case CreditedEvent c:
                    await EventAsync(connection, transaction, c.DisputeId, null, "credited", c.Account, c.Amount.ToString(CultureInfo.InvariantCulture), null, at.block, at.log_index, cancellationToken);
                    break;
                case WithdrawnEvent w:
                    await EventAsync(connection, transaction, 0, null, "withdrawn", w.Account, w.Amount.ToString(CultureInfo.InvariantCulture), null, at.block, at.log_index, cancellationToken);
                    break;
            }
        }
    }

    /// <summary>Removes every row of the blocks after <paramref name="toBlock"/> (they left the chain).</summary>
    public async Task RollbackAsync(ulong toBlock, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        foreach (var table in Tables)
        {
            await ExecuteAsync(connection, transaction, $"DELETE FROM {table} WHERE block > @toBlock", new { toBlock = (long)toBlock }, cancellationToken);
        }

        metrics.Reorganizations.Add(1);
    }

    private static Task StakeAsync(DbConnection connection, DbTransaction transaction, string oracle, System.Numerics.BigInteger stake, long block, long logIndex, CancellationToken cancellationToken)
        => ExecuteAsync(connection, transaction, """
            INSERT INTO stakes (oracle, stake, block, log_index) VALUES (@oracle, @stake, @block, @logIndex)
            ON CONFLICT (block, log_index) DO NOTHING
            """, new { oracle = Lower(oracle), stake = stake.ToString(CultureInfo.InvariantCulture), block, logIndex }, cancellationToken);

    private static Task EventAsync(DbConnection connection, DbTransaction transaction, ulong disputeId, int? round, string kind, string? account, string? amount, string? detail,
        long block, long logIndex, CancellationToken cancellationToken)
        => ExecuteAsync(connection, transaction, """
            INSERT INTO dispute_events (dispute_id, round, kind, account, amount, detail, block, log_index)
            VALUES (@disputeId, @round, @kind, @account, @amount, @detail, @block, @logIndex)
            ON CONFLICT (block, log_index) DO NOTHING
            """, new { disputeId = (long)disputeId, round, kind, account = account is null ? null : Lower(account), amount, detail, block, logIndex }, cancellationToken);

    private static Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, object parameters, CancellationToken cancellationToken)
        => connection.ExecuteAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken));

    private static string Lower(string address) => AddressUtil.Current.ConvertToChecksumAddress(address).ToLowerInvariant();

    /// <summary>The name of a Ruling value (1 Upheld, 2 Rejected, 0 None).</summary>
    public static string RulingName(byte ruling) => ruling switch
    {
        1 => "Upheld",
        2 => "Rejected",
        _ => "None",
    };
}
