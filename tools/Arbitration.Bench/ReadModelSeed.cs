using Npgsql;

namespace Arbitration.Bench;

/// <summary>
/// Fills the API's read model with a large history in one go (SQL, not chain events — a hundred thousand sessions would
/// take the local chain half an hour): providers, oracles, <see cref="Sessions"/> sessions each with two vouchers
/// settled, <see cref="Disputes"/> disputes with a drawn committee, votes, timelines and payouts, and collector anchors.
/// Ids start at <see cref="FirstId"/> so they never meet the chain's own; the rows have the projection's shape.
/// </summary>
internal static class ReadModelSeed
{
    public const long FirstId = 1_000_001;
    public const int Sessions = 100_000;
    public const int Disputes = 10_000;

    public static async Task RunAsync(string connectionString, long now, TextWriter log)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var (what, sql) in Steps)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            await using var command = new NpgsqlCommand("SET search_path TO arbitration; SELECT set_config('arbitration.replaying', 'on', false);" + sql, connection) { CommandTimeout = 600 };
            command.Parameters.AddWithValue("first", FirstId);
            command.Parameters.AddWithValue("sessions", Sessions);
            command.Parameters.AddWithValue("disputes", Disputes);
            command.Parameters.AddWithValue("now", now);
            await command.ExecuteNonQueryAsync();
            log.WriteLine($"seeded {what} in {watch.Elapsed.TotalSeconds:0.0} s");
        }
    }

    private static string Address(string expression) => $"'0x' || lpad(to_hex({expression}), 40, '0')";

    private static readonly (string What, string Sql)[] Steps =
    [
        ("100 providers and 50 oracles", $"""
            INSERT INTO providers (address, region, price_per_mib, policy_hash, policy_uri, endpoint, tunnel_public_key, bond, status, registered_at,
                registered_block, sessions_served, bytes_served, earned, disputes_against, disputes_upheld)
            SELECT {Address("1000000 + p")}, (ARRAY['DE','FR','US','JP','BR'])[1 + p % 5], 1000000000000 * (1 + p % 7), '0x' || md5(p::text) || md5(p::text),
                'https://policies.example/p.json', '198.18.0.1:51820', '0x' || md5(p::text) || md5(p::text), 1000000000000000000000, 'Active', @now - 86400 * 60,
                1, @sessions / 100, 0, 0, @disputes / 100, @disputes / 300
            FROM generate_series(0, 99) p;
            INSERT INTO oracles (address, stake, locked, rewards, slashed, price_reports, first_block)
            SELECT {Address("2000000 + o")}, 2000000000000000000000 + o::numeric * 1000000000000000000, 0, 5000000000000000000, 0, 0, 1 FROM generate_series(0, 49) o;
            """),
        ("sessions", $"""
            INSERT INTO sessions (session_id, client, provider, deposit, price_per_mib, penalty, committee_size, opened_at, policy_hash, panel_hash, panel,
                opened_block, opened_tx, status, closed_at, paid, refunded, cumulative_amount, cumulative_bytes, log_size, log_root, vouchers, disputes)
            SELECT @first + i, {Address("3000000 + i")}, {Address("1000000 + i % 100")}, 100000000000000000000, 1000000000000, 40000000000000000000, 3,
                @now - 86400 * 30 + i * 20, '0x' || md5('p') || md5('p'), '0x' || repeat('0', 64), ARRAY[]::text[], 10000000 + i, '0x' || md5(i::text) || md5(i::text),
                CASE WHEN i % 3 = 0 THEN 'Closed' ELSE 'Open' END, CASE WHEN i % 3 = 0 THEN @now - 86400 * 30 + i * 20 + 3600 END,
                2000000000000000000, 0, 2000000000000000000, 2097152, 64, '0x' || md5(i::text) || md5('r'), 2, CASE WHEN i % 10 = 0 THEN 1 ELSE 0 END
            FROM generate_series(0, @sessions - 1) i;
            """),
        ("two vouchers per session", """
            INSERT INTO events (block_number, log_index, block_time, tx_hash, contract, name, session_id, account, data)
            SELECT 10000000 + i, v, @now - 86400 * 30 + i * 20 + v * 600, '0x' || md5(i::text || v) || md5('t'), '0x5e55', 'VoucherSettled', @first + i, NULL,
                jsonb_build_object('sessionId', @first + i, 'cumulativeAmount', ((v + 1) * 1000000000000000000)::text, 'paid', '1000000000000000000',
                    'cumulativeBytes', (v + 1) * 1048576, 'logSize', (v + 1) * 32, 'logRoot', '0x' || md5(i::text) || md5(v::text))
            FROM generate_series(0, @sessions - 1) i, generate_series(0, 1) v;
            """),
        ("disputes with rounds, votes, payouts and timelines", $"""
            INSERT INTO disputes (dispute_id, session_id, filer, respondent, claim_type, rule_id, evidence_verified, filed_at, evidence_hash, evidence_uri,
                penalty, record, filed_block, filed_tx, round, outcome, ruling, winner, penalty_paid, stakes_paid, closed_at, closed_block)
            SELECT @first + j, @first + j * 10, {Address("3000000 + j * 10")}, {Address("1000000 + (j * 10) % 100")}, 2, 7, false,
                @now - 86400 * 20 + j * 100, '0x' || md5(j::text) || md5('e'), 'http://127.0.0.1/evidence/0x' || md5(j::text) || md5('e'),
                40000000000000000000, jsonb_build_object('sessionId', @first + j * 10, 'filer', {Address("3000000 + j * 10")}, 'respondent', {Address("1000000 + (j * 10) % 100")},
                    'claimType', 2, 'ruleId', 7, 'evidenceVerified', false, 'filedAt', @now - 86400 * 20 + j * 100, 'evidenceHash', '0x' || md5(j::text) || md5('e'),
                    'penalty', '40000000000000000000', 'bondLocked', '40000000000000000000'),
                20000000 + j, '0x' || md5(j::text) || md5('f'), 0,
                CASE WHEN j % 3 = 0 THEN 'executed' ELSE 'open' END, CASE WHEN j % 3 = 0 THEN 1 + j % 2 ELSE 0 END,
                CASE WHEN j % 3 = 0 THEN {Address("3000000 + j * 10")} END, CASE WHEN j % 3 = 0 THEN '40000000000000000000'::numeric END,
                CASE WHEN j % 3 = 0 THEN '50000000000000000000'::numeric END, CASE WHEN j % 3 = 0 THEN @now - 86400 * 20 + j * 100 + 4 * 86400 END,
                CASE WHEN j % 3 = 0 THEN 20000000 + j + 5 END
            FROM generate_series(0, @disputes - 1) j;
            INSERT INTO dispute_rounds (dispute_id, round, size, snapshot_epoch, randomness_request, started_at, committee, commit_deadline, reveal_deadline,
                appeal_deadline, drawn_at, committed_seats, upheld_seats, rejected_seats, settled)
            SELECT @first + j, 0, 3, 1 + j, 1 + j, @now - 86400 * 20 + j * 100,
                ARRAY[{Address("2000000 + j % 50")}, {Address("2000000 + (j + 1) % 50")}, {Address("2000000 + (j + 2) % 50")}],
                @now - 86400 * 20 + j * 100 + 86400 * (CASE WHEN j % 3 = 1 THEN 40 ELSE 1 END), @now - 86400 * 20 + j * 100 + 86400 * (CASE WHEN j % 3 = 1 THEN 41 ELSE 2 END),
                @now - 86400 * 20 + j * 100 + 86400 * (CASE WHEN j % 3 = 1 THEN 42 ELSE 3 END), @now - 86400 * 20 + j * 100 + 10, 3,
                CASE WHEN j % 3 = 1 THEN 0 ELSE 2 END, CASE WHEN j % 3 = 1 THEN 0 ELSE 1 END, j % 3 = 0
            FROM generate_series(0, @disputes - 1) j;
            INSERT INTO votes (dispute_id, round, juror, seats, committed_at, vote, revealed_at, reward)
            SELECT @first + j, 0, {Address("2000000 + (j + k) % 50")}, 1, @now - 86400 * 20 + j * 100 + 600,
                CASE WHEN j % 3 = 1 THEN 0 WHEN k < 2 THEN 1 ELSE 2 END, CASE WHEN j % 3 = 1 THEN NULL ELSE @now - 86400 * 19 + j * 100 END,
                CASE WHEN j % 3 = 0 AND k < 2 THEN 15000000000000000000 ELSE 0 END
            FROM generate_series(0, @disputes - 1) j, generate_series(0, 2) k;
            INSERT INTO credits (block_number, log_index, dispute_id, account, amount)
            SELECT 30000000 + j, c, @first + j, CASE WHEN c = 0 THEN {Address("3000000 + j * 10")} ELSE {Address("2000000 + j % 50")} END, 45000000000000000000
            FROM generate_series(0, @disputes - 1, 3) j, generate_series(0, 1) c;
            INSERT INTO events (block_number, log_index, block_time, tx_hash, contract, name, dispute_id, session_id, account, data)
            SELECT 40000000 + j, e, @now - 86400 * 20 + j * 100 + e * 3600, '0x' || md5(j::text || e) || md5('d'), '0xd15e',
                (ARRAY['DisputeFiled','RoundStarted','CommitteeDrawn','VoteCommitted','VoteCommitted','VoteCommitted','VoteRevealed','VoteRevealed','VoteRevealed',
                       'RulingExecuted','RoundSettled','Credited'])[e + 1],
                @first + j, CASE WHEN e = 0 THEN @first + j * 10 END, NULL, jsonb_build_object('disputeId', @first + j, 'round', 0, 'seq', e)
            FROM generate_series(0, @disputes - 1) j, generate_series(0, 11) e;
            """),
        ("anchors", $"""
            INSERT INTO anchors (log_id, tree_size, root, collector, block_time)
            SELECT '0x' || md5('log') || md5('log'), a, '0x' || md5(a::text) || md5('root'), {Address("4000000")}, @now - 86400 * 31 + a * 540
            FROM generate_series(1, 5000) a;
            ANALYZE;
            """),
    ];
}
