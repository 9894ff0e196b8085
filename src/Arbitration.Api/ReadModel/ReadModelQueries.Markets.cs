using System.Globalization;
using System.Numerics;
using Arbitration.Api.Apis.Models;
using Arbitration.Api.ReadModel.Rows;
using Dapper;

namespace Arbitration.Api.ReadModel;

/// <summary>Oracles, price feeds and the exchange.</summary>
internal sealed partial class ReadModelQueries
{
    // A seat is judged once its round's reveal phase is over: coherent when it revealed the round's majority.
    private const string OracleSql = """
        SELECT o.address, o.stake::text, o.locked::text, o.unstaking::text, o.unstakable_at, o.slashed::text, o.rewards::text, o.price_reports,
            coalesce(v.rounds, 0) AS rounds, coalesce(v.seats, 0) AS seats, coalesce(v.revealed, 0) AS revealed, coalesce(v.coherent, 0) AS coherent
        FROM oracles o
        LEFT JOIN LATERAL (
            SELECT count(*)::int AS rounds, sum(x.seats)::int AS seats,
                sum(CASE WHEN x.vote <> 0 THEN x.seats ELSE 0 END)::int AS revealed,
                sum(CASE WHEN x.vote = CASE WHEN r.upheld_seats > r.rejected_seats THEN 1 ELSE 2 END THEN x.seats ELSE 0 END)::int AS coherent
            FROM votes x JOIN dispute_rounds r ON r.dispute_id = x.dispute_id AND r.round = x.round
            WHERE x.juror = o.address AND r.reveal_deadline <= @now
        ) v ON true
        """;

    public async Task<Page<OracleView>> OraclesAsync(OracleQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var now = (await PositionAsync(connection, cancellationToken))?.Time ?? 0;
        var rows = (await connection.QueryAsync<OracleRow>(new CommandDefinition($"""
            {OracleSql}
            WHERE (@afterStake::numeric IS NULL OR (o.stake < @afterStake::numeric OR (o.stake = @afterStake::numeric AND o.address > @afterAddress)))
            ORDER BY o.stake DESC, o.address
            LIMIT @limit
            """, new { now, afterStake = query.After?[0], afterAddress = query.After?[1], limit = query.Limit + 1 }, cancellationToken: cancellationToken))).ToList();
        var page = rows.Take(query.Limit).Select(Oracle).ToList();
        var next = rows.Count > query.Limit ? PageCursor.Encode(rows[query.Limit - 1].Stake, rows[query.Limit - 1].Address) : null;
        return new Page<OracleView>(page, next);
    }

    public async Task<OracleView?> OracleAsync(string address, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var now = (await PositionAsync(connection, cancellationToken))?.Time ?? 0;
        var row = await connection.QuerySingleOrDefaultAsync<OracleRow>(new CommandDefinition(
            $"{OracleSql} WHERE o.address = @address", new { now, address = address.ToLowerInvariant() }, cancellationToken: cancellationToken));
        return row is null ? null : Oracle(row);
    }

    private static OracleView Oracle(OracleRow r) => new(Checksum(r.Address), r.Stake, r.Locked, r.Unstaking, r.UnstakableAt, r.Slashed, r.Rewards, r.PriceReports,
        new OracleVotes(r.Rounds, r.Seats, r.Revealed, r.Coherent, r.Seats == 0 ? null : Math.Round((double)r.Coherent / r.Seats, 4)));

    public async Task<RatesView> RatesAsync(ReadModelContracts contracts, int rounds, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var position = await PositionAsync(connection, cancellationToken) ?? new ChainPosition(0, 0);
        var parameters = await ParametersAsync(cancellationToken);
        long P(string name) => parameters.TryGetValue(name, out var v) ? (long)v : 0;
        var feeds = new List<FeedView>();
        foreach (var feed in new[] { ReadModelContracts.VpnEth, ReadModelContracts.BtcEth })
        {
            var recent = (await connection.QueryAsync<PriceRoundRow>(new CommandDefinition("""
                SELECT feed, round_id::text, answer::text, started_at, updated_at, reports, restarts FROM price_rounds
                WHERE feed = @feed ORDER BY round_id DESC LIMIT @limit
                """, new { feed, limit = Math.Max(rounds, 9) }, cancellationToken: cancellationToken))).ToList();
            var reference = await connection.QuerySingleOrDefaultAsync<(string RoundId, string Answer, long AcceptedAt)?>(new CommandDefinition(
                "SELECT round_id::text, answer::text, accepted_at FROM exchange_references WHERE feed = @feed", new { feed }, cancellationToken: cancellationToken));
            var latest = recent.FirstOrDefault(r => r.Answer is not null);
            var stale = latest is null || latest.UpdatedAt + P(NetworkParameters.MaxPriceAge) < position.Time;
            var pausedUntil = reference is { } refRow
                ? ExchangeBreaker.PausedUntil(recent, BigInteger.Parse(refRow.RoundId, CultureInfo.InvariantCulture), BigInteger.Parse(refRow.Answer, CultureInfo.InvariantCulture),
                    P(NetworkParameters.MaxPriceJumpBps), P(NetworkParameters.PriceJumpDelay), position.Time)
                : null;
            feeds.Add(new FeedView(feed, Checksum(contracts.FeedAddress(feed)), latest is null ? null : Round(latest), stale,
                reference is { } r ? new FeedReferenceView(r.RoundId, r.Answer, r.AcceptedAt) : null, pausedUntil is not null, pausedUntil,
                recent.Take(rounds).Select(Round).ToList()));
        }

        return new RatesView(feeds, (int)P(NetworkParameters.ExchangeFeeBps), P(NetworkParameters.MaxPriceAge), (int)P(NetworkParameters.MaxPriceJumpBps),
            P(NetworkParameters.PriceJumpDelay), position);
    }

    public async Task<Page<PriceRoundView>> RoundsAsync(string feed, int limit, BigInteger? after, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<PriceRoundRow>(new CommandDefinition("""
            SELECT feed, round_id::text, answer::text, started_at, updated_at, reports, restarts FROM price_rounds
            WHERE feed = @feed AND (@after::numeric IS NULL OR round_id < @after::numeric) ORDER BY round_id DESC LIMIT @limit
            """, new { feed, after = after?.ToString(CultureInfo.InvariantCulture), limit = limit + 1 }, cancellationToken: cancellationToken))).ToList();
        var next = rows.Count > limit ? PageCursor.Encode(rows[limit - 1].RoundId) : null;
        return new Page<PriceRoundView>(rows.Take(limit).Select(Round).ToList(), next);
    }

    private static PriceRoundView Round(PriceRoundRow r) => new(r.RoundId, r.Answer, r.StartedAt, r.UpdatedAt, r.Reports, r.Restarts);
}
