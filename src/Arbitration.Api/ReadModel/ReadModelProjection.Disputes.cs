using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Chain.Model;
using Oracle.Chain.Events;
using static Arbitration.Api.ReadModel.ProjectionStep;

namespace Arbitration.Api.ReadModel;

/// <summary>Disputes, their rounds, committees, votes and payouts.</summary>
internal sealed partial class ReadModelProjection
{
    private static async Task DisputeFiledAsync(ProjectionStep step, DisputeFiledEvent e, ChainEvent projected)
    {
        var d = e.Dispute;
        await step.ExecuteAsync("""
            INSERT INTO disputes (dispute_id, session_id, filer, respondent, claim_type, rule_id, evidence_verified, filed_at, evidence_hash,
                evidence_uri, penalty, record, filed_block, filed_tx)
            VALUES (@id, @session, @filer, @respondent, @claimType, @ruleId, @verified, @filedAt, @evidenceHash, @evidenceUri, @penalty::numeric,
                @record::jsonb, @block, @tx)
            """, new
        {
            id = L(e.DisputeId),
            session = L(e.SessionId),
            filer = A(d.Filer),
            respondent = A(d.Respondent),
            claimType = (short)d.ClaimType,
            ruleId = (long)d.RuleId,
            verified = d.EvidenceVerified,
            filedAt = L(d.FiledAt),
            evidenceHash = H(d.EvidenceHash),
            evidenceUri = e.EvidenceUri,
            penalty = N(d.Penalty),
            record = EventJson.Serialize(d).ToJsonString(),
            block = L(projected.BlockNumber),
            tx = projected.TransactionHash.ToLowerInvariant(),
        });
        await step.ExecuteAsync("UPDATE sessions SET disputes = disputes + 1 WHERE session_id = @id", new { id = L(e.SessionId) });
        // A provider's reputation: claims against it, and claims it filed (ClientBreachedPolicy).
        await step.ExecuteAsync("""
            UPDATE providers SET disputes_against = disputes_against + CASE WHEN address = @respondent THEN 1 ELSE 0 END,
                disputes_filed = disputes_filed + CASE WHEN address = @filer THEN 1 ELSE 0 END
            WHERE address IN (@respondent, @filer)
            """, new { respondent = A(d.Respondent), filer = A(d.Filer) });
    }

    private static async Task RoundStartedAsync(ProjectionStep step, RoundStartedEvent e, ulong time)
    {
        await step.ExecuteAsync("""
            INSERT INTO dispute_rounds (dispute_id, round, size, snapshot_epoch, randomness_request, started_at)
            VALUES (@id, @round, @size, @epoch, @request::numeric, @time)
            """, new { id = L(e.DisputeId), round = (short)e.Round, size = (short)e.Size, epoch = (long)e.SnapshotEpoch, request = N(e.RandomnessRequest), time = L(time) });
        await step.ExecuteAsync("UPDATE disputes SET round = @round WHERE dispute_id = @id", new { id = L(e.DisputeId), round = (short)e.Round });
    }

    private static async Task CommitteeDrawnAsync(ProjectionStep step, CommitteeDrawnEvent e, ulong time)
    {
        var committee = e.Committee.Select(A).ToArray();
        await step.ExecuteAsync("""
            UPDATE dispute_rounds SET committee = @committee, commit_deadline = @commit, reveal_deadline = @reveal, appeal_deadline = @appeal, drawn_at = @time
            WHERE dispute_id = @id AND round = @round
            """, new
        {
            id = L(e.DisputeId),
            round = (short)e.Round,
            committee,
            commit = L(e.CommitDeadline),
            reveal = L(e.RevealDeadline),
            appeal = L(e.AppealDeadline),
            time = L(time),
        });
        // One row per juror; an oracle drawn for several seats votes with their weight. A drawn committee's stake is
        // locked by the draw without an event (lockPerSeat per seat); a named panel's by lockPanel, which emits StakeLocked.
        foreach (var juror in committee.GroupBy(a => a))
        {
            var args = new { id = L(e.DisputeId), round = (short)e.Round, juror = juror.Key, seats = (short)juror.Count() };
            await step.ExecuteAsync("INSERT INTO votes (dispute_id, round, juror, seats) VALUES (@id, @round, @juror, @seats)", args);
            await step.ExecuteAsync("""
                UPDATE oracles SET locked = locked + @seats * (SELECT value FROM network_parameters WHERE name = 'lock_per_seat')
                WHERE address = @juror AND EXISTS (SELECT 1 FROM dispute_rounds WHERE dispute_id = @id AND round = @round AND randomness_request <> 0)
                """, args);
        }
    }

    private static async Task VoteCommittedAsync(ProjectionStep step, VoteCommittedEvent e, ulong time)
    {
        var args = new { id = L(e.DisputeId), round = (short)e.Round, juror = A(e.Juror), time = L(time) };
        await step.ExecuteAsync("UPDATE votes SET committed_at = @time WHERE dispute_id = @id AND round = @round AND juror = @juror", args);
        await step.ExecuteAsync("""
            UPDATE dispute_rounds SET committed_seats = committed_seats + (SELECT seats FROM votes WHERE dispute_id = @id AND round = @round AND juror = @juror)
            WHERE dispute_id = @id AND round = @round
            """, args);
    }

    private static async Task VoteRevealedAsync(ProjectionStep step, VoteRevealedEvent e, ulong time)
    {
        var args = new { id = L(e.DisputeId), round = (short)e.Round, juror = A(e.Juror), time = L(time), vote = (short)e.Vote, seats = (short)e.Seats };
        await step.ExecuteAsync("UPDATE votes SET vote = @vote, revealed_at = @time WHERE dispute_id = @id AND round = @round AND juror = @juror", args);
        await step.ExecuteAsync(e.Vote == (byte)Ruling.Upheld
            ? "UPDATE dispute_rounds SET upheld_seats = upheld_seats + @seats WHERE dispute_id = @id AND round = @round"
            : "UPDATE dispute_rounds SET rejected_seats = rejected_seats + @seats WHERE dispute_id = @id AND round = @round", args);
    }

    private static async Task RewardClaimedAsync(ProjectionStep step, RewardClaimedEvent e)
    {
        var args = new { id = L(e.DisputeId), round = (short)e.Round, juror = A(e.Juror), amount = N(e.Amount) };
        await step.ExecuteAsync("UPDATE votes SET reward = reward + @amount::numeric WHERE dispute_id = @id AND round = @round AND juror = @juror", args);
        await step.ExecuteAsync("UPDATE oracles SET rewards = rewards + @amount::numeric WHERE address = @juror", args);
    }

    private static async Task RulingExecutedAsync(ProjectionStep step, RulingExecutedEvent e, ulong block, ulong time)
    {
        await step.ExecuteAsync("""
            UPDATE disputes SET outcome = 'executed', ruling = @ruling, winner = @winner, penalty_paid = @penalty::numeric, stakes_paid = @stakes::numeric,
                closed_at = @time, closed_block = @block
            WHERE dispute_id = @id
            """, new { id = L(e.DisputeId), ruling = (short)e.Ruling, winner = A(e.Winner), penalty = N(e.Penalty), stakes = N(e.Stakes), time = L(time), block = L(block) });
        // The provider's record as a respondent.
        await step.ExecuteAsync("""
            UPDATE providers SET disputes_upheld = disputes_upheld + CASE WHEN @ruling = 1 THEN 1 ELSE 0 END,
                disputes_rejected = disputes_rejected + CASE WHEN @ruling = 1 THEN 0 ELSE 1 END
            WHERE address = (SELECT respondent FROM disputes WHERE dispute_id = @id)
            """, new { id = L(e.DisputeId), ruling = (short)e.Ruling });
    }

    private static async Task AppealDismissedAsync(ProjectionStep step, AppealDismissedEvent e)
    {
        await step.ExecuteAsync("UPDATE dispute_rounds SET dismissed = true WHERE dispute_id = @id AND round = @round", new { id = L(e.DisputeId), round = (short)e.Round });
        await step.ExecuteAsync("UPDATE disputes SET round = @round WHERE dispute_id = @id", new { id = L(e.DisputeId), round = (short)(e.Round - 1) });
    }
}
