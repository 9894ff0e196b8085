using System.Globalization;
using Arbitration.Api.Apis.Models;
using Arbitration.Api.ReadModel.Rows;
using Dapper;

namespace Arbitration.Api.ReadModel;

/// <summary>Providers and sessions.</summary>
internal sealed partial class ReadModelQueries
{
    private const string ProviderColumns = """
        address, region, price_per_mib::text, policy_hash, policy_uri, endpoint, tunnel_public_key, bond::text, reserved_bond::text, slashed::text,
        status, unbondable_at, registered_at, sessions_served, bytes_served::text, earned::text, disputes_against, disputes_upheld, disputes_rejected, disputes_filed
        """;

    public async Task<Page<ProviderView>> ProvidersAsync(ProviderQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<ProviderRow>(new CommandDefinition($"""
            SELECT {ProviderColumns} FROM providers
            WHERE (@region::text IS NULL OR region = @region)
              AND (@maxPrice::numeric IS NULL OR price_per_mib <= @maxPrice::numeric)
              AND (@status::text IS NULL OR status = @status)
              AND (@afterPrice::numeric IS NULL OR (price_per_mib, address) > (@afterPrice::numeric, @afterAddress))
            ORDER BY price_per_mib, address
            LIMIT @limit
            """, new
        {
            region = query.Region,
            maxPrice = query.MaxPricePerMiB?.ToString(CultureInfo.InvariantCulture),
            status = query.Status,
            afterPrice = query.After?[0],
            afterAddress = query.After?[1],
            limit = query.Limit + 1,
        }, cancellationToken: cancellationToken))).ToList();
        var page = rows.Take(query.Limit).Select(Provider).ToList();
        var next = rows.Count > query.Limit ? PageCursor.Encode(rows[query.Limit - 1].PricePerMib, rows[query.Limit - 1].Address) : null;
        return new Page<ProviderView>(page, next);
    }

    public async Task<ProviderView?> ProviderAsync(string address, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ProviderRow>(new CommandDefinition(
            $"SELECT {ProviderColumns} FROM providers WHERE address = @address", new { address = address.ToLowerInvariant() }, cancellationToken: cancellationToken));
        return row is null ? null : Provider(row);
    }

    private static ProviderView Provider(ProviderRow r) => new(
        Checksum(r.Address), r.Region, r.PricePerMib, r.Endpoint, r.TunnelPublicKey, r.PolicyHash, r.PolicyUri, r.Status, r.Bond, r.ReservedBond,
        r.UnbondableAt, r.RegisteredAt,
        new ProviderReputation(r.SessionsServed, r.BytesServed, r.Earned, r.DisputesAgainst, r.DisputesUpheld, r.DisputesRejected, r.DisputesFiled, r.Slashed));

    private const string SessionColumns = """
        session_id, client, provider, deposit::text, price_per_mib::text, penalty::text, committee_size, opened_at, policy_hash, panel_hash, panel,
        opened_block, opened_tx, status, close_deadline, closed_at, paid::text, refunded::text, penalized::text, cumulative_amount::text,
        cumulative_bytes::text, log_size, log_root, vouchers, open_disputes, disputes
        """;

    public async Task<Page<SessionSummary>> SessionsAsync(SessionQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<SessionRow>(new CommandDefinition($"""
            SELECT {SessionColumns} FROM sessions
            WHERE (@provider::text IS NULL OR provider = @provider)
              AND (@client::text IS NULL OR client = @client)
              AND (@status::text IS NULL OR status = @status)
              AND (@after::bigint IS NULL OR session_id < @after)
            ORDER BY session_id DESC
            LIMIT @limit
            """, new
        {
            provider = query.Provider?.ToLowerInvariant(),
            client = query.Client?.ToLowerInvariant(),
            status = query.Status,
            after = query.After,
            limit = query.Limit + 1,
        }, cancellationToken: cancellationToken))).ToList();
        var page = rows.Take(query.Limit).Select(r => new SessionSummary(r.SessionId, Checksum(r.Client), Checksum(r.Provider), r.Status, r.OpenedAt, r.ClosedAt,
            r.Deposit, r.Paid, r.CumulativeBytes, r.Disputes)).ToList();
        var next = rows.Count > query.Limit ? PageCursor.Encode(rows[query.Limit - 1].SessionId.ToString(CultureInfo.InvariantCulture)) : null;
        return new Page<SessionSummary>(page, next);
    }

    /// <summary>The session's row (terms and state), for filing checks and the session view.</summary>
    public async Task<SessionRow?> SessionRowAsync(long sessionId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<SessionRow>(new CommandDefinition(
            $"SELECT {SessionColumns} FROM sessions WHERE session_id = @id", new { id = sessionId }, cancellationToken: cancellationToken));
    }

    public async Task<SessionView?> SessionAsync(long sessionId, CancellationToken cancellationToken)
    {
        var maxDuration = await ParameterAsync(NetworkParameters.MaxSessionDuration, cancellationToken);
        var window = await ParameterAsync(NetworkParameters.DisputeWindow, cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // One round trip. The collectors' log roots anchored while the session ran (its checkpoints are leaves of those
        // logs): from its opening to the end of its dispute window (its close, or openedAt + maxSessionDuration, plus the
        // window), at most up to the read model's clock.
        using var results = await connection.QueryMultipleAsync(new CommandDefinition($"""
            SELECT {SessionColumns} FROM sessions WHERE session_id = @id;
            SELECT dispute_id FROM disputes WHERE session_id = @id ORDER BY dispute_id;
            SELECT block_number, log_index, block_time, tx_hash, name, data::text FROM events
                WHERE session_id = @id AND name = 'VoucherSettled' ORDER BY block_number DESC, log_index DESC LIMIT 100;
            SELECT block, block_time FROM indexer_head WHERE id = 1;
            SELECT a.log_id, a.tree_size, a.root, a.collector, a.block_time FROM sessions s, anchors a
            WHERE s.session_id = @id AND a.block_time >= s.opened_at
              AND a.block_time <= LEAST(LEAST(COALESCE(s.closed_at, s.opened_at + @maxDuration), s.opened_at + @maxDuration) + @window,
                                        COALESCE((SELECT block_time FROM indexer_head WHERE id = 1), 9223372036854775807))
            ORDER BY a.block_time DESC, a.log_id, a.tree_size DESC LIMIT 100;
            """, new { id = sessionId, maxDuration, window }, cancellationToken: cancellationToken));
        var row = await results.ReadSingleOrDefaultAsync<SessionRow>();
        if (row is null)
        {
            return null;
        }

        var disputes = (await results.ReadAsync<long>()).ToList();
        var vouchers = (await results.ReadAsync<TimelineRow>()).Select(Voucher).ToList();
        var head = await results.ReadSingleOrDefaultAsync<(long Block, long Time)?>();
        var anchors = (await results.ReadAsync<(string LogId, long TreeSize, string Root, string Collector, long BlockTime)>())
            .Select(a => new AnchorView(a.LogId, a.TreeSize, a.Root, Checksum(a.Collector), a.BlockTime)).ToList();
        var endsAt = row.OpenedAt + maxDuration;
        var end = row.ClosedAt is { } closed && closed < endsAt ? closed : endsAt;
        return new SessionView(row.SessionId, Checksum(row.Client), Checksum(row.Provider), row.Status, row.OpenedAt, row.OpenedTx, row.CloseDeadline,
            row.ClosedAt, endsAt, end + window, row.Panel.Select(Checksum).ToList(),
            new SessionTermsView(Checksum(row.Client), Checksum(row.Provider), row.Deposit, row.PricePerMib, row.Penalty, row.CommitteeSize, row.OpenedAt,
                row.PolicyHash, row.PanelHash),
            new SessionPayments(row.Paid, row.Refunded, row.Penalized, row.CumulativeAmount, row.CumulativeBytes, row.Vouchers, row.LogSize, row.LogRoot),
            row.OpenDisputes, disputes, vouchers, anchors, head is { } h ? new ChainPosition(h.Block, h.Time) : new ChainPosition(0, 0));
    }

    private static VoucherView Voucher(TimelineRow e)
    {
        var data = System.Text.Json.Nodes.JsonNode.Parse(e.Data)!.AsObject();
        return new VoucherView(e.BlockNumber, e.BlockTime, e.TxHash, data["cumulativeAmount"]!.ToString(), data["paid"]!.ToString(),
            data["cumulativeBytes"]!.ToString(), long.Parse(data["logSize"]!.ToString(), CultureInfo.InvariantCulture), data["logRoot"]!.ToString());
    }
}
