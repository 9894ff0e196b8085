using System.Globalization;
using System.Text.Json.Nodes;
using Arbitration.Api.Apis.Models;
using Arbitration.Api.ReadModel.Rows;
using Dapper;
using Oracle.Chain.Model;

namespace Arbitration.Api.ReadModel;

/// <summary>Disputes, their rounds and votes, and statistics.</summary>
internal sealed partial class ReadModelQueries
{
    // A dispute's phase as the DisputeManager computes it (_phaseOf), against the read model's clock @now: Executed,
    // Drawing until the current round's committee is drawn, then Commit, Reveal and Appealable (the last round's appeal
    // deadline equals its reveal deadline) by the round's deadlines, then Executable.
    private const string PhaseSql = """
        CASE WHEN d.outcome <> 'open' THEN 'Executed'
             WHEN r.committee IS NULL THEN 'Drawing'
             WHEN @now < r.commit_deadline THEN 'Commit'
             WHEN @now < r.reveal_deadline THEN 'Reveal'
             WHEN @now < r.appeal_deadline THEN 'Appealable'
             ELSE 'Executable' END
        """;

    private const string PhaseEndsSql = """
        CASE WHEN d.outcome <> 'open' OR r.committee IS NULL THEN NULL
             WHEN @now < r.commit_deadline THEN r.commit_deadline
             WHEN @now < r.reveal_deadline THEN r.reveal_deadline
             WHEN @now < r.appeal_deadline THEN r.appeal_deadline
             ELSE NULL END
        """;

    // The current round's majority once its reveal phase is over (a tie or no reveal rejects), else None; executed
    // disputes show the final ruling.
    private const string RulingSql = """
        CASE WHEN d.outcome = 'executed' THEN d.ruling
             WHEN d.outcome = 'dismissed' OR r.committee IS NULL OR @now < r.reveal_deadline THEN 0
             WHEN r.upheld_seats > r.rejected_seats THEN 1 ELSE 2 END
        """;

    private const string DisputeColumns = $"""
        d.dispute_id, d.session_id, d.filer, d.respondent, d.claim_type, d.rule_id, d.evidence_verified, d.filed_at, d.evidence_hash, d.evidence_uri,
        d.penalty::text, d.record::text, d.filed_block, d.filed_tx, d.round, d.outcome, d.ruling, d.winner, d.penalty_paid::text, d.stakes_paid::text,
        d.refund::text, d.closed_at, {PhaseSql} AS phase, {PhaseEndsSql} AS phase_ends_at, {RulingSql} AS current_ruling
        """;

    public async Task<Page<DisputeSummary>> DisputesAsync(DisputeQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var now = (await PositionAsync(connection, cancellationToken))?.Time ?? 0;
        var rows = (await connection.QueryAsync<DisputeRow>(new CommandDefinition($"""
            SELECT {DisputeColumns}
            FROM disputes d LEFT JOIN dispute_rounds r ON r.dispute_id = d.dispute_id AND r.round = d.round
            WHERE (@session::bigint IS NULL OR d.session_id = @session)
              AND (@party::text IS NULL OR d.filer = @party OR d.respondent = @party)
              AND (@juror::text IS NULL OR EXISTS (SELECT 1 FROM votes v WHERE v.dispute_id = d.dispute_id AND v.juror = @juror))
              AND (@claimType::smallint IS NULL OR d.claim_type = @claimType)
              AND (@phase::text IS NULL OR {PhaseSql} = @phase)
              AND (@after::bigint IS NULL OR d.dispute_id < @after)
            ORDER BY d.dispute_id DESC
            LIMIT @limit
            """, new
        {
            now,
            session = query.SessionId,
            party = query.Party?.ToLowerInvariant(),
            juror = query.Juror?.ToLowerInvariant(),
            claimType = (short?)query.ClaimType,
            phase = query.Phase,
            after = query.After,
            limit = query.Limit + 1,
        }, cancellationToken: cancellationToken))).ToList();
        var page = rows.Take(query.Limit).Select(Summary).ToList();
        var next = rows.Count > query.Limit ? PageCursor.Encode(rows[query.Limit - 1].DisputeId.ToString(CultureInfo.InvariantCulture)) : null;
        return new Page<DisputeSummary>(page, next);
    }

    private static DisputeSummary Summary(DisputeRow d) => new(d.DisputeId, d.SessionId, Checksum(d.Filer), Checksum(d.Respondent),
        ((ClaimType)d.ClaimType).ToString(), d.FiledAt, d.Phase, d.Round, ((Ruling)d.CurrentRuling).ToString(), d.Outcome);

    public async Task<DisputeView?> DisputeAsync(long disputeId, CancellationToken cancellationToken)
    {
        var drawingPeriod = await ParameterAsync(NetworkParameters.DrawingPeriod, cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // One round trip; the phase is judged against the read model's clock as the batch reads it.
        using var results = await connection.QueryMultipleAsync(new CommandDefinition($"""
            SELECT block, block_time FROM indexer_head WHERE id = 1;
            SELECT {DisputeColumns.Replace("@now", "h.now", StringComparison.Ordinal)}
            FROM disputes d LEFT JOIN dispute_rounds r ON r.dispute_id = d.dispute_id AND r.round = d.round
                CROSS JOIN (SELECT coalesce((SELECT block_time FROM indexer_head WHERE id = 1), 0) AS now) h
            WHERE d.dispute_id = @id;
            SELECT dispute_id, round, size, started_at, redraws, committee, commit_deadline, reveal_deadline, appeal_deadline, drawn_at, committed_seats,
                upheld_seats, rejected_seats, settled, reward_per_seat::text, slashed::text, appellant, dismissed
            FROM dispute_rounds WHERE dispute_id = @id ORDER BY round;
            SELECT round, juror, seats, committed_at, vote, slashed::text, reward::text FROM votes WHERE dispute_id = @id ORDER BY round, juror;
            SELECT account, sum(amount)::text AS amount FROM credits WHERE dispute_id = @id GROUP BY account ORDER BY account;
            SELECT block_number, log_index, block_time, tx_hash, name, data::text FROM events WHERE dispute_id = @id ORDER BY block_number, log_index;
            SELECT hash FROM evidence WHERE dispute_id = @id
            UNION SELECT e.hash FROM evidence e JOIN disputes d ON e.hash = d.evidence_hash WHERE d.dispute_id = @id
            UNION SELECT e.hash FROM evidence e JOIN events v ON e.hash = v.data->>'evidenceHash' WHERE v.dispute_id = @id AND v.name = 'EvidenceSubmitted';
            """, new { id = disputeId }, cancellationToken: cancellationToken));
        var position = await results.ReadSingleOrDefaultAsync<(long Block, long Time)?>() is { } h ? new ChainPosition(h.Block, h.Time) : new ChainPosition(0, 0);
        var d = await results.ReadSingleOrDefaultAsync<DisputeRow>();
        if (d is null)
        {
            return null;
        }

        var rounds = (await results.ReadAsync<RoundRow>()).ToList();
        var votes = (await results.ReadAsync<VoteRow>()).ToList();
        var payouts = (await results.ReadAsync<(string Account, string Amount)>()).Select(p => new PayoutView(Checksum(p.Account), p.Amount)).ToList();
        var timeline = (await results.ReadAsync<TimelineRow>()).ToList();
        var stored = (await results.ReadAsync<string>()).ToHashSet(StringComparer.Ordinal);

        var roundViews = rounds.Select((r, i) => new RoundView(
            r.Round, r.Size, r.StartedAt,
            r.Committee is null && !r.Dismissed ? (i == 0 ? d.FiledAt : rounds[i - 1].AppealDeadline ?? r.StartedAt) + drawingPeriod : null,
            r.Redraws, r.DrawnAt, r.Committee?.Select(Checksum).ToList(), r.CommitDeadline, r.RevealDeadline, r.AppealDeadline, r.CommittedSeats,
            r.UpheldSeats, r.RejectedSeats,
            (r.Committee is null || position.Time < r.RevealDeadline ? Ruling.None : r.UpheldSeats > r.RejectedSeats ? Ruling.Upheld : Ruling.Rejected).ToString(),
            r.Settled, r.RewardPerSeat, r.Slashed, ChecksumOrNull(r.Appellant), r.Dismissed,
            votes.Where(v => v.Round == r.Round).Select(v => new VoteView(Checksum(v.Juror), v.Seats, v.CommittedAt is not null,
                v.Vote == 0 ? null : ((Ruling)v.Vote).ToString(), v.Slashed, v.Reward)).ToList())).ToList();

        var evidence = new List<EvidenceReference> { new(d.EvidenceHash, d.EvidenceUri, "filing", Checksum(d.Filer), stored.Contains(d.EvidenceHash)) };
        foreach (var e in timeline.Where(e => e.Name == "EvidenceSubmitted"))
        {
            var data = JsonNode.Parse(e.Data)!.AsObject();
            var hash = data["evidenceHash"]!.ToString();
            evidence.Add(new EvidenceReference(hash, data["evidenceUri"]?.ToString(), "submitted", Checksum(data["party"]!.ToString()), stored.Contains(hash)));
        }

        foreach (var hash in stored.Where(h => evidence.All(e => e.Hash != h)).Order(StringComparer.Ordinal))
        {
            evidence.Add(new EvidenceReference(hash, null, "posted", null, true));
        }

        return new DisputeView(d.DisputeId, d.SessionId, Checksum(d.Filer), Checksum(d.Respondent), ((ClaimType)d.ClaimType).ToString(), d.RuleId,
            d.EvidenceVerified, d.FiledAt, d.FiledTx, d.EvidenceHash, d.EvidenceUri, d.Penalty, d.Phase, d.PhaseEndsAt, d.Round,
            ((Ruling)d.CurrentRuling).ToString(), d.Outcome, ChecksumOrNull(d.Winner), d.PenaltyPaid, d.StakesPaid, d.Refund, d.ClosedAt,
            JsonNode.Parse(d.Record)!.AsObject(), roundViews, payouts, evidence,
            timeline.Select(e => new TimelineEntry(e.BlockNumber, e.BlockTime, e.TxHash, e.Name, JsonNode.Parse(e.Data)!.AsObject())).ToList(), position);
    }

    /// <summary>Disputes filed and ended per day over the last <paramref name="days"/> days of chain time.</summary>
    public async Task<IReadOnlyList<DisputeStatsBucket>> DisputeStatsAsync(int days, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var now = (await PositionAsync(connection, cancellationToken))?.Time ?? 0;
        var rows = await connection.QueryAsync<(DateTime Day, int Filed, int Upheld, int Rejected, int Dismissed)>(new CommandDefinition("""
            WITH days AS (
                SELECT generate_series(date_trunc('day', to_timestamp(@now) AT TIME ZONE 'UTC') - make_interval(days => @days - 1),
                                       date_trunc('day', to_timestamp(@now) AT TIME ZONE 'UTC'), interval '1 day') AS day)
            SELECT days.day,
                (SELECT count(*) FROM disputes WHERE filed_at >= extract(epoch FROM days.day) AND filed_at < extract(epoch FROM days.day) + 86400)::int,
                (SELECT count(*) FROM disputes WHERE outcome = 'executed' AND ruling = 1 AND closed_at >= extract(epoch FROM days.day) AND closed_at < extract(epoch FROM days.day) + 86400)::int,
                (SELECT count(*) FROM disputes WHERE outcome = 'executed' AND ruling = 2 AND closed_at >= extract(epoch FROM days.day) AND closed_at < extract(epoch FROM days.day) + 86400)::int,
                (SELECT count(*) FROM disputes WHERE outcome = 'dismissed' AND closed_at >= extract(epoch FROM days.day) AND closed_at < extract(epoch FROM days.day) + 86400)::int
            FROM days ORDER BY days.day
            """, new { now, days }, cancellationToken: cancellationToken));
        return rows.Select(r => new DisputeStatsBucket(r.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), r.Filed, r.Upheld, r.Rejected, r.Dismissed)).ToList();
    }
}
