using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Oracle.Core.Evidence;

namespace VpnGateway.Metering.Spool;

/// <summary>
/// Settlement on-chain: each session's latest voucher (kept here, apart from its batches, so a collector's
/// acknowledgement never deletes the only copy), what was redeemed, and the transaction under way. A row is never
/// deleted: once the session is closed on-chain it records what was paid.
/// </summary>
internal sealed partial class EvidenceSpool
{
    private const string SettlementColumns = """
        session_id, role, on_chain, voucher, voucher_amount, redeemed_amount, ended, close_deadline, closed,
        pending_action, pending_amount, last_transaction, last_error, attempts, next_attempt_ms
        """;

    /// <summary>
    /// Starts following a session for settlement (idempotent): a provider's on-chain session when its metering starts, a
    /// client's when it connects. <paramref name="onChain"/> false (a pinned link) keeps its vouchers but never settles.
    /// </summary>
    public void TrackSettlement(ulong sessionId, SettlementRole role, bool onChain)
    {
        lock (_lock)
        {
            using var command = Command("""
                INSERT INTO settlements (session_id, role, on_chain) VALUES ($session, $role, $chain)
                ON CONFLICT (session_id) DO UPDATE SET role = excluded.role, on_chain = MAX(on_chain, excluded.on_chain)
                """);
            command.Parameters.AddWithValue("$session", unchecked((long)sessionId));
            command.Parameters.AddWithValue("$role", (int)role);
            command.Parameters.AddWithValue("$chain", onChain ? 1 : 0);
            command.ExecuteNonQuery();
        }
    }

    /// <summary>The latest voucher kept for <paramref name="sessionId"/> (highest cumulative amount), or null.</summary>
    public SignedVoucher? LatestVoucher(ulong sessionId) => Settlement(sessionId)?.Voucher;

    /// <summary>The settlement row of <paramref name="sessionId"/>, or null.</summary>
    public SettlementEntry? Settlement(ulong sessionId)
    {
        lock (_lock)
        {
            using var command = Command($"SELECT {SettlementColumns} FROM settlements WHERE session_id = $session");
            command.Parameters.AddWithValue("$session", unchecked((long)sessionId));
            using var reader = command.ExecuteReader();
            return reader.Read() ? ReadSettlement(reader) : null;
        }
    }

    /// <summary>On-chain sessions of <paramref name="role"/> not closed yet whose next attempt is due at <paramref name="nowMs"/>.</summary>
    public IReadOnlyList<SettlementEntry> OpenSettlements(SettlementRole role, long nowMs)
    {
        var list = new List<SettlementEntry>();
        lock (_lock)
        {
            using var command = Command($"""
                SELECT {SettlementColumns} FROM settlements
                WHERE role = $role AND on_chain = 1 AND closed = 0 AND next_attempt_ms <= $now ORDER BY session_id
                """);
            command.Parameters.AddWithValue("$role", (int)role);
            command.Parameters.AddWithValue("$now", nowMs);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                list.Add(ReadSettlement(reader));
            }
        }

        return list;
    }

    /// <summary>The session ended on this side (a client that disconnected): it is closed on-chain next.</summary>
    public void MarkSettlementEnded(ulong sessionId)
        => SettlementUpdate(sessionId, "ended = 1, next_attempt_ms = 0");

    /// <summary>The client started closing the session on-chain; the provider answers before <paramref name="closeDeadline"/>.</summary>
    public void MarkCloseStarted(ulong sessionId, ulong closeDeadline)
    {
        lock (_lock)
        {
            using var command = Command("""
                INSERT INTO settlements (session_id, role, on_chain, close_deadline) VALUES ($session, 0, 1, $deadline)
                ON CONFLICT (session_id) DO UPDATE SET close_deadline = excluded.close_deadline, next_attempt_ms = 0
                """);
            command.Parameters.AddWithValue("$session", unchecked((long)sessionId));
            command.Parameters.AddWithValue("$deadline", unchecked((long)closeDeadline));
            command.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// Records, durably and before it is sent, the transaction about to be sent for the session: after a crash the next
    /// attempt finds it and reconciles with the chain (which pays a voucher's amount once, whatever is sent twice).
    /// </summary>
    public void BeginSettlementTransaction(ulong sessionId, string action, BigInteger amount, long nowMs)
    {
        lock (_lock)
        {
            using var command = Command("UPDATE settlements SET pending_action = $action, pending_amount = $amount, pending_since_ms = $now WHERE session_id = $session");
            command.Parameters.AddWithValue("$session", unchecked((long)sessionId));
            command.Parameters.AddWithValue("$action", action);
            command.Parameters.AddWithValue("$amount", amount.ToString(CultureInfo.InvariantCulture));
            command.Parameters.AddWithValue("$now", nowMs);
            command.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// What the chain says about the session: <paramref name="paid"/> so far, whether it is closed, and the transaction
    /// that got it there (null: only observed). Clears the pending transaction and the failures.
    /// </summary>
    public void RecordChainState(ulong sessionId, BigInteger paid, bool closed, string? transactionHash, long nextAttemptMs = 0)
    {
        lock (_lock)
        {
            using var command = Command("""
                UPDATE settlements SET redeemed_amount = $paid, closed = MAX(closed, $closed), pending_action = NULL, pending_amount = NULL,
                    pending_since_ms = NULL, last_transaction = COALESCE($tx, last_transaction), last_error = NULL, attempts = 0, next_attempt_ms = $next
                WHERE session_id = $session
                """);
            command.Parameters.AddWithValue("$session", unchecked((long)sessionId));
            command.Parameters.AddWithValue("$paid", paid.ToString(CultureInfo.InvariantCulture));
            command.Parameters.AddWithValue("$closed", closed ? 1 : 0);
            command.Parameters.AddWithValue("$tx", (object?)transactionHash ?? DBNull.Value);
            command.Parameters.AddWithValue("$next", nextAttemptMs);
            command.ExecuteNonQuery();
        }
    }

    /// <summary>An attempt failed (the pending transaction is cleared: the chain is asked again next time); retried at <paramref name="nextAttemptMs"/>.</summary>
    public void FailSettlement(ulong sessionId, string error, long nextAttemptMs)
    {
        lock (_lock)
        {
            using var command = Command("""
                UPDATE settlements SET attempts = attempts + 1, last_error = $error, next_attempt_ms = $next,
                    pending_action = NULL, pending_amount = NULL, pending_since_ms = NULL
                WHERE session_id = $session
                """);
            command.Parameters.AddWithValue("$session", unchecked((long)sessionId));
            command.Parameters.AddWithValue("$error", error);
            command.Parameters.AddWithValue("$next", nextAttemptMs);
            command.ExecuteNonQuery();
        }
    }

    /// <summary>Nothing to do now: look again at <paramref name="nextAttemptMs"/>.</summary>
    public void PostponeSettlement(ulong sessionId, long nextAttemptMs)
        => SettlementUpdate(sessionId, "next_attempt_ms = $value", nextAttemptMs);

    /// <summary>The session is not one this gateway settles (not on-chain, or another provider's): it is no longer followed.</summary>
    public void DropSettlement(ulong sessionId, string reason)
    {
        lock (_lock)
        {
            using var command = Command("UPDATE settlements SET on_chain = 0, last_error = $reason WHERE session_id = $session");
            command.Parameters.AddWithValue("$session", unchecked((long)sessionId));
            command.Parameters.AddWithValue("$reason", reason);
            command.ExecuteNonQuery();
        }
    }

    // Keeps the voucher when it pays more than the one kept: vouchers are cumulative, so the largest is the latest.
    private void KeepVoucher(ulong sessionId, SignedVoucher voucher, SqliteTransaction transaction)
    {
        if (!BigInteger.TryParse(voucher.CumulativeAmount, NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            return;
        }

        BigInteger kept = BigInteger.MinusOne;
        using (var select = Command("SELECT voucher_amount, voucher FROM settlements WHERE session_id = $session", transaction))
        {
            select.Parameters.AddWithValue("$session", unchecked((long)sessionId));
            using var reader = select.ExecuteReader();
            if (reader.Read() && !reader.IsDBNull(1))
            {
                kept = BigInteger.Parse(reader.GetString(0), CultureInfo.InvariantCulture);
            }
        }

        if (amount <= kept)
        {
            return;
        }

        using var upsert = Command("""
            INSERT INTO settlements (session_id, voucher, voucher_amount) VALUES ($session, $voucher, $amount)
            ON CONFLICT (session_id) DO UPDATE SET voucher = excluded.voucher, voucher_amount = excluded.voucher_amount
            """, transaction);
        upsert.Parameters.AddWithValue("$session", unchecked((long)sessionId));
        upsert.Parameters.AddWithValue("$voucher", JsonSerializer.Serialize(voucher, Json));
        upsert.Parameters.AddWithValue("$amount", amount.ToString(CultureInfo.InvariantCulture));
        upsert.ExecuteNonQuery();
    }

    private void SettlementUpdate(ulong sessionId, string set, long value = 0)
    {
        lock (_lock)
        {
            using var command = Command($"UPDATE settlements SET {set} WHERE session_id = $session");
            command.Parameters.AddWithValue("$session", unchecked((long)sessionId));
            command.Parameters.AddWithValue("$value", value);
            command.ExecuteNonQuery();
        }
    }

    private static SettlementEntry ReadSettlement(SqliteDataReader r)
    {
        SignedVoucher? voucher = null;
        if (!r.IsDBNull(3))
        {
            try
            {
                voucher = JsonSerializer.Deserialize<SignedVoucher>(r.GetString(3), Json);
            }
            catch (JsonException)
            {
                voucher = null; // unreadable: settled as if none came (what the chain paid stays paid)
            }
        }

        return new SettlementEntry(
            unchecked((ulong)r.GetInt64(0)),
            (SettlementRole)r.GetInt32(1),
            r.GetInt64(2) != 0,
            voucher,
            voucher is null ? BigInteger.Zero : BigInteger.Parse(r.GetString(4), CultureInfo.InvariantCulture),
            BigInteger.Parse(r.GetString(5), CultureInfo.InvariantCulture),
            r.GetInt64(6) != 0,
            unchecked((ulong)r.GetInt64(7)),
            r.GetInt64(8) != 0,
            r.IsDBNull(9) ? null : r.GetString(9),
            r.IsDBNull(10) ? BigInteger.Zero : BigInteger.Parse(r.GetString(10), CultureInfo.InvariantCulture),
            r.IsDBNull(11) ? null : r.GetString(11),
            r.IsDBNull(12) ? null : r.GetString(12),
            r.GetInt32(13),
            r.GetInt64(14));
    }
}
