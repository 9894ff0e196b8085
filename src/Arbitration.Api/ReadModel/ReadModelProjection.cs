using System.Data.Common;
using Dapper;
using Oracle.Chain.Events;
using Oracle.Chain.Contracts.DisputeManager;
using Oracle.Chain.Contracts.EvidenceRegistry;
using Oracle.Chain.Contracts.OracleRegistry;
using Oracle.Chain.Contracts.PriceFeed;
using Oracle.Chain.Contracts.ProviderRegistry;
using Oracle.Chain.Contracts.SessionManager;
using Oracle.Chain.Contracts.TokenExchange;
using static Arbitration.Api.ReadModel.ProjectionStep;

namespace Arbitration.Api.ReadModel;

/// <summary>
/// Projects contract events into the read model (schema <c>arbitration</c>, migration 0001). It is fed by the chain
/// watcher in block order; its writes join the watcher's transaction, so they commit with the cursor. Each event is
/// first recorded in <c>events</c> keyed by (block, log index): an event already recorded is skipped, so applying a
/// batch twice cannot count anything twice. A reorganization restores the rows written after the fork point from the
/// undo log (<see cref="RollbackAsync(ulong, DbConnection, DbTransaction, CancellationToken)"/>).
/// </summary>
internal sealed partial class ReadModelProjection(ReadModelContracts contracts, IChainFacts facts, ArbitrationMetrics metrics) : IChainEventHandler
{
    /// <inheritdoc />
    public async Task HandleAsync(ChainEventBatch batch, IChainCursorTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        await HandleAsync(batch, transaction.Connection, transaction.Transaction, cancellationToken);
        // No rollback goes below the oldest block the watcher remembers: older undo entries can go.
        if (await transaction.ReadAsync(cancellationToken) is { Blocks.Count: > 0 } cursor)
        {
            await PruneAsync(cursor.Blocks[0].Number, transaction.Connection, transaction.Transaction, cancellationToken);
        }
    }

    /// <inheritdoc />
    public async Task RollbackAsync(ulong toBlock, IChainCursorTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        await RollbackAsync(toBlock, transaction.Connection, transaction.Transaction, cancellationToken);
        metrics.Rollbacks.Add(1);
    }

    /// <summary>Applies a batch: every event, the exchange references it may have moved, and the head.</summary>
    public async Task HandleAsync(ChainEventBatch batch, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var step = new ProjectionStep(connection, transaction, cancellationToken);
        var blocks = await facts.BlocksAsync([.. batch.Events.Select(e => e.BlockNumber), batch.ToBlock], cancellationToken);
        var feedsMoved = false;
        foreach (var e in batch.Events)
        {
            await step.AtBlockAsync(e.BlockNumber);
            var time = blocks[e.BlockNumber].Time;
            if (!await RecordAsync(step, e, time))
            {
                continue;
            }

            await ApplyAsync(step, e, time);
            feedsMoved |= e.Event is AnswerUpdatedEvent or VpnBoughtEvent or VpnSoldEvent;
        }

        await step.AtBlockAsync(batch.ToBlock);
        if (feedsMoved)
        {
            foreach (var feed in new[] { ReadModelContracts.VpnEth, ReadModelContracts.BtcEth })
            {
                var reference = await facts.ReferenceAsync(contracts.FeedAddress(feed), batch.ToBlock, cancellationToken);
                await step.ExecuteAsync("""
                    INSERT INTO exchange_references (feed, round_id, answer, accepted_at) VALUES (@feed, @round::numeric, @answer::numeric, @at)
                    ON CONFLICT (feed) DO UPDATE SET round_id = excluded.round_id, answer = excluded.answer, accepted_at = excluded.accepted_at
                    WHERE (exchange_references.round_id, exchange_references.answer, exchange_references.accepted_at) IS DISTINCT FROM (excluded.round_id, excluded.answer, excluded.accepted_at)
                    """, new { feed, round = N(reference.RoundId), answer = N(reference.Answer), at = L(reference.AcceptedAt) });
            }
        }

        await SetHeadAsync(step, batch.ToBlock, blocks[batch.ToBlock].Time, batch.ToBlockHash);
        metrics.IndexedEvents.Add(batch.Events.Count);
        metrics.HeadBlock = (long)batch.ToBlock;
    }

    /// <summary>
    /// Undoes every block after <paramref name="toBlock"/> (a reorganization replaced them): restores the rows they
    /// wrote, newest first, deletes their events, and sets the head to <paramref name="toBlock"/>.
    /// </summary>
    /// <returns>The number of row writes undone.</returns>
    public async Task<int> RollbackAsync(ulong toBlock, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var step = new ProjectionStep(connection, transaction, cancellationToken);
        var undone = await step.ScalarAsync<int>("SELECT rollback_to(@toBlock)", new { toBlock = L(toBlock) });
        var block = (await facts.BlocksAsync([toBlock], cancellationToken))[toBlock];
        await step.AtBlockAsync(toBlock);
        await SetHeadAsync(step, toBlock, block.Time, block.Hash);
        metrics.HeadBlock = (long)toBlock;
        return undone;
    }

    /// <summary>
    /// Forgets undo entries of blocks up to <paramref name="oldestRollbackPoint"/>: no rollback can go below the
    /// watcher's oldest remembered block, so those rows can never be restored.
    /// </summary>
    public static Task<int> PruneAsync(ulong oldestRollbackPoint, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
        => connection.ExecuteAsync(new CommandDefinition("DELETE FROM undo_log WHERE block_number <= @block", new { block = L(oldestRollbackPoint) }, transaction, cancellationToken: cancellationToken));

    private static Task SetHeadAsync(ProjectionStep step, ulong block, ulong time, string hash)
        => step.ExecuteAsync("""
            INSERT INTO indexer_head (id, block, block_time, block_hash) VALUES (1, @block, @time, @hash)
            ON CONFLICT (id) DO UPDATE SET block = excluded.block, block_time = excluded.block_time, block_hash = excluded.block_hash, updated_at = now()
            """, new { block = L(block), time = L(time), hash = hash.ToLowerInvariant() });

    // The event's row in `events`; false when it is there already (applied before).
    private static async Task<bool> RecordAsync(ProjectionStep step, ChainEvent e, ulong time)
    {
        var data = EventJson.Serialize(e.Event);
        var disputeId = Id(e.Event, "DisputeId");
        var sessionId = Id(e.Event, "SessionId");
        var inserted = await step.ExecuteAsync("""
            INSERT INTO events (block_number, log_index, block_time, tx_hash, contract, name, dispute_id, session_id, account, data)
            VALUES (@block, @log, @time, @tx, @contract, @name, @disputeId, @sessionId, @account, @data::jsonb)
            ON CONFLICT (block_number, log_index) DO NOTHING
            """, new
        {
            block = L(e.BlockNumber),
            log = checked((int)e.LogIndex),
            time = L(time),
            tx = e.TransactionHash.ToLowerInvariant(),
            contract = A(e.Contract),
            name = EventJson.Name(e.Event),
            disputeId,
            sessionId,
            account = Account(e.Event),
            data = data.ToJsonString(),
        });
        return inserted == 1;
    }

    private static long? Id(object e, string property)
        => e.GetType().GetProperty(property)?.GetValue(e) is ulong id ? L(id) : null;

    // The account an event is about, for the per-account timeline.
    private static string? Account(object e) => e switch
    {
        ProviderRegisteredEvent x => A(x.Provider),
        ProviderUpdatedEvent x => A(x.Provider),
        BondAddedEvent x => A(x.Provider),
        UnbondRequestedEvent x => A(x.Provider),
        BondWithdrawnEvent x => A(x.Provider),
        BondReservedEvent x => A(x.Provider),
        BondReleasedEvent x => A(x.Provider),
        SessionBondReleasedEvent x => A(x.Provider),
        BondSlashedEvent x => A(x.Provider),
        StakedEvent x => A(x.Oracle),
        UnstakeRequestedEvent x => A(x.Oracle),
        UnstakedEvent x => A(x.Oracle),
        StakeLockedEvent x => A(x.Oracle),
        StakeUnlockedEvent x => A(x.Oracle),
        StakeSlashedEvent x => A(x.Oracle),
        PriceReportedEvent x => A(x.Reporter),
        VoteCommittedEvent x => A(x.Juror),
        VoteRevealedEvent x => A(x.Juror),
        JurorSlashedEvent x => A(x.Juror),
        RewardClaimedEvent x => A(x.Juror),
        CreditedEvent x => A(x.Account),
        WithdrawnEvent x => A(x.Account),
        DisputeFiledEvent x => A(x.Filer),
        AppealedEvent x => A(x.Appellant),
        EvidenceSubmittedEvent x => A(x.Party),
        CollectorRegisteredEvent x => A(x.Collector),
        CheckpointAnchoredEvent x => A(x.Collector),
        VpnBoughtEvent x => A(x.Buyer),
        VpnSoldEvent x => A(x.Seller),
        _ => null,
    };

    private Task ApplyAsync(ProjectionStep step, ChainEvent projected, ulong time) => projected.Event switch
    {
        ProviderRegisteredEvent e => ProviderRegisteredAsync(step, e, projected.BlockNumber, time),
        ProviderUpdatedEvent e => ProviderUpdatedAsync(step, e),
        BondAddedEvent e => step.ExecuteAsync("UPDATE providers SET bond = @bond::numeric WHERE address = @p", new { p = A(e.Provider), bond = N(e.Bond) }),
        UnbondRequestedEvent e => step.ExecuteAsync("UPDATE providers SET status = 'Unbonding', unbondable_at = @at WHERE address = @p", new { p = A(e.Provider), at = L(e.UnbondableAt) }),
        // A withdrawal pays out the free bond; the provider leaves the registry only when nothing stays reserved.
        BondWithdrawnEvent e => step.ExecuteAsync("UPDATE providers SET bond = bond - @amount::numeric, status = CASE WHEN bond = @amount::numeric THEN 'Withdrawn' ELSE status END WHERE address = @p",
            new { p = A(e.Provider), amount = N(e.Amount) }),
        BondReservedEvent e => step.ExecuteAsync("UPDATE providers SET reserved_bond = @reserved::numeric WHERE address = @p", new { p = A(e.Provider), reserved = N(e.ReservedBond) }),
        BondReleasedEvent e => step.ExecuteAsync("UPDATE providers SET reserved_bond = @reserved::numeric WHERE address = @p", new { p = A(e.Provider), reserved = N(e.ReservedBond) }),
        BondSlashedEvent e => step.ExecuteAsync("UPDATE providers SET bond = bond - @amount::numeric, reserved_bond = reserved_bond - @amount::numeric, slashed = slashed + @amount::numeric WHERE address = @p", new { p = A(e.Provider), amount = N(e.Amount) }),

        SessionOpenedEvent e => SessionOpenedAsync(step, e, projected),
        VoucherSettledEvent e => VoucherSettledAsync(step, e),
        CloseStartedEvent e => step.ExecuteAsync("UPDATE sessions SET status = 'Closing', close_deadline = @deadline WHERE session_id = @id", new { id = L(e.SessionId), deadline = L(e.CloseDeadline) }),
        SessionClosedEvent e => SessionClosedAsync(step, e),
        SessionDisputedEvent e => step.ExecuteAsync("UPDATE sessions SET open_disputes = @open WHERE session_id = @id", new { id = L(e.SessionId), open = (short)e.OpenDisputes }),
        SessionDisputeResolvedEvent e => step.ExecuteAsync("UPDATE sessions SET open_disputes = @open, penalized = penalized + @penalty::numeric WHERE session_id = @id", new { id = L(e.SessionId), open = (short)e.OpenDisputes, penalty = N(e.Penalty) }),

        DisputeFiledEvent e => DisputeFiledAsync(step, e, projected),
        RoundStartedEvent e => RoundStartedAsync(step, e, time),
        RandomnessRequestedAgainEvent e => step.ExecuteAsync("UPDATE dispute_rounds SET redraws = redraws + 1, randomness_request = @request::numeric WHERE dispute_id = @id AND round = @round", new { id = L(e.DisputeId), round = (short)e.Round, request = N(e.RandomnessRequest) }),
        CommitteeDrawnEvent e => CommitteeDrawnAsync(step, e, time),
        VoteCommittedEvent e => VoteCommittedAsync(step, e, time),
        VoteRevealedEvent e => VoteRevealedAsync(step, e, time),
        AppealedEvent e => step.ExecuteAsync("UPDATE dispute_rounds SET appellant = @appellant, appeal_paid = @paid::numeric WHERE dispute_id = @id AND round = @round", new { id = L(e.DisputeId), round = (short)(e.Round - 1), appellant = A(e.Appellant), paid = N(e.Paid) }),
        RoundSettledEvent e => step.ExecuteAsync("UPDATE dispute_rounds SET settled = true, settled_ruling = @ruling, coherent_seats = @coherent, reward_per_seat = @reward::numeric, slashed = @slashed::numeric WHERE dispute_id = @id AND round = @round", new { id = L(e.DisputeId), round = (short)e.Round, ruling = (short)e.Ruling, coherent = (short)e.CoherentSeats, reward = N(e.RewardPerSeat), slashed = N(e.Slashed) }),
        JurorSlashedEvent e => step.ExecuteAsync("UPDATE votes SET slashed = slashed + @amount::numeric WHERE dispute_id = @id AND round = @round AND juror = @juror", new { id = L(e.DisputeId), round = (short)e.Round, juror = A(e.Juror), amount = N(e.Amount) }),
        RewardClaimedEvent e => RewardClaimedAsync(step, e),
        CreditedEvent e => step.ExecuteAsync("INSERT INTO credits (block_number, log_index, dispute_id, account, amount) VALUES (@block, @log, @id, @account, @amount::numeric)", new { block = L(projected.BlockNumber), log = checked((int)projected.LogIndex), id = L(e.DisputeId), account = A(e.Account), amount = N(e.Amount) }),
        RulingExecutedEvent e => RulingExecutedAsync(step, e, projected.BlockNumber, time),
        DisputeDismissedEvent e => step.ExecuteAsync("UPDATE disputes SET outcome = 'dismissed', refund = @refund::numeric, closed_at = @time, closed_block = @block WHERE dispute_id = @id", new { id = L(e.DisputeId), refund = N(e.Refund), time = L(time), block = L(projected.BlockNumber) }),
        AppealDismissedEvent e => AppealDismissedAsync(step, e),

        StakedEvent e => step.ExecuteAsync("INSERT INTO oracles (address, stake, first_block) VALUES (@o, @stake::numeric, @block) ON CONFLICT (address) DO UPDATE SET stake = excluded.stake", new { o = A(e.Oracle), stake = N(e.Stake), block = L(projected.BlockNumber) }),
        UnstakeRequestedEvent e => step.ExecuteAsync("UPDATE oracles SET stake = @stake::numeric, unstaking = unstaking + @amount::numeric, unstakable_at = @at WHERE address = @o", new { o = A(e.Oracle), stake = N(e.Stake), amount = N(e.Amount), at = L(e.UnstakableAt) }),
        UnstakedEvent e => step.ExecuteAsync("UPDATE oracles SET unstaking = greatest(unstaking - @amount::numeric, 0) WHERE address = @o", new { o = A(e.Oracle), amount = N(e.Amount) }),
        StakeLockedEvent e => step.ExecuteAsync("UPDATE oracles SET locked = @locked::numeric WHERE address = @o", new { o = A(e.Oracle), locked = N(e.Locked) }),
        StakeUnlockedEvent e => step.ExecuteAsync("UPDATE oracles SET locked = @locked::numeric WHERE address = @o", new { o = A(e.Oracle), locked = N(e.Locked) }),
        StakeSlashedEvent e => step.ExecuteAsync("UPDATE oracles SET stake = @stake::numeric, locked = greatest(locked - @amount::numeric, 0), slashed = slashed + @amount::numeric WHERE address = @o", new { o = A(e.Oracle), stake = N(e.Stake), amount = N(e.Amount) }),

        NewRoundEvent e => PriceRoundAsync(step, projected.Contract, e.RoundId, "started_at = @at, started_by = @by", new { at = L((ulong)e.StartedAt), by = A(e.StartedBy) }),
        PriceReportedEvent e => PriceReportedAsync(step, projected.Contract, e),
        AnswerUpdatedEvent e => PriceRoundAsync(step, projected.Contract, e.RoundId, "answer = @answer::numeric, updated_at = @at", new { answer = N(e.Current), at = L((ulong)e.UpdatedAt) }),
        RoundRestartedEvent e => PriceRoundAsync(step, projected.Contract, e.RoundId, "started_at = @at, reports = 0, restarts = price_rounds.restarts + 1", new { at = L((ulong)e.StartedAt) }),

        CollectorRegisteredEvent e => step.ExecuteAsync("INSERT INTO collectors (address, bond, status) VALUES (@c, @bond::numeric, 'Active') ON CONFLICT (address) DO UPDATE SET bond = excluded.bond, status = 'Active', unbondable_at = NULL", new { c = A(e.Collector), bond = N(e.Bond) }),
        CollectorUnbondRequestedEvent e => step.ExecuteAsync("UPDATE collectors SET status = 'Unbonding', unbondable_at = @at WHERE address = @c", new { c = A(e.Collector), at = L(e.UnbondableAt) }),
        CollectorBondWithdrawnEvent e => step.ExecuteAsync("UPDATE collectors SET status = 'Withdrawn', bond = 0 WHERE address = @c", new { c = A(e.Collector) }),
        CollectorEquivocatedEvent e => step.ExecuteAsync("UPDATE collectors SET status = 'Slashed', bond = 0 WHERE address = @c", new { c = A(e.Collector) }),
        CheckpointAnchoredEvent e => AnchoredAsync(step, e, time),

        // Recorded in `events` only (the timeline): exchange trades, evidence submissions, withdrawals, randomness,
        // wiring and checkpoints of the anchor chain.
        _ => Task.CompletedTask,
    };
}
