using Oracle.Core.Evidence;
using Oracle.Core.Merkle;

namespace VpnGateway.Metering.Spool;

/// <summary>Session logs (to continue a log after a restart) and, on the client, the provider epochs kept for a dispute.</summary>
internal sealed partial class EvidenceSpool
{
    /// <summary>The spooled state of a session's log, or null when none is spooled.</summary>
    public SessionLogSnapshot? LoadSession(ulong sessionId)
    {
        lock (_lock)
        {
            using var command = Command("SELECT tree_size, sequence, epoch_time, allowed_octets, leaf_hashes, capture_drops FROM log_checkpoints WHERE session_id = $session ORDER BY tree_size");
            command.Parameters.AddWithValue("$session", unchecked((long)sessionId));
            using var reader = command.ExecuteReader();
            var hashes = new MemoryStream();
            var checkpoints = new List<(ulong, ulong)>();
            ulong sequence = 0, epochTime = 0, drops = 0;
            while (reader.Read())
            {
                var size = unchecked((ulong)reader.GetInt64(0));
                var leaves = (byte[])reader.GetValue(4);
                if ((ulong)(hashes.Length + leaves.Length) != size * MerkleHash.Size)
                {
                    throw new InvalidDataException($"spooled log of session {sessionId} has a gap before tree size {size}");
                }

                hashes.Write(leaves);
                checkpoints.Add((size, unchecked((ulong)reader.GetInt64(3))));
                sequence = unchecked((ulong)reader.GetInt64(1));
                epochTime = unchecked((ulong)reader.GetInt64(2));
                drops = unchecked((ulong)reader.GetInt64(5));
            }

            if (checkpoints.Count == 0)
            {
                return null;
            }

            using var voucher = Command("SELECT last_voucher_size FROM sessions WHERE session_id = $session");
            voucher.Parameters.AddWithValue("$session", unchecked((long)sessionId));
            var lastVoucher = voucher.ExecuteScalar() is long v ? unchecked((ulong)v) : 0;
            return new SessionLogSnapshot(hashes.ToArray(), checkpoints, sequence, epochTime, drops, lastVoucher);
        }
    }

    /// <summary>
    /// The session ended: its log hashes are no longer needed (its batches stay until the collector holds them), and the
    /// session is remembered as ended, so it is never metered again from an empty log: a log that started over would
    /// reuse batch ids and count the client's cumulative vouchers from zero (docs/protocol.md §5.2).
    /// </summary>
    /// <param name="sessionId">The session.</param>
    /// <param name="endedAtMs">When it ended.</param>
    /// <param name="settled">Whether it left nothing unpaid (a pinned link continues in a successor session only then).</param>
    public void EndSession(ulong sessionId, long endedAtMs, bool settled = false)
    {
        lock (_lock)
        {
            using var transaction = _connection.BeginTransaction();
            using var command = Command($"""
                DELETE FROM log_checkpoints WHERE session_id = $session;
                DELETE FROM sessions WHERE session_id = $session;
                INSERT OR IGNORE INTO ended_sessions (session_id, ended_ms) VALUES ($session, $at);
                {(settled ? "INSERT OR IGNORE INTO settled_sessions (session_id) VALUES ($session);" : string.Empty)}
                UPDATE settlements SET ended = 1, next_attempt_ms = 0 WHERE session_id = $session;
                """, transaction);
            command.Parameters.AddWithValue("$session", unchecked((long)sessionId));
            command.Parameters.AddWithValue("$at", endedAtMs);
            command.ExecuteNonQuery();
            transaction.Commit();
        }

        SessionEnded?.Invoke(sessionId);
    }

    /// <summary>Raised after <see cref="EndSession"/> committed: the session can be closed on-chain now.</summary>
    public event Action<ulong>? SessionEnded;

    /// <summary>
    /// The session is ending (its last checkpoint is made): from now on it is refused, also while its last voucher is
    /// still awaited; <see cref="EndSession"/> drops its log once it is gone.
    /// </summary>
    public void MarkEnded(ulong sessionId, long endedAtMs)
    {
        lock (_lock)
        {
            using var command = Command("INSERT OR IGNORE INTO ended_sessions (session_id, ended_ms) VALUES ($session, $at)");
            command.Parameters.AddWithValue("$session", unchecked((long)sessionId));
            command.Parameters.AddWithValue("$at", endedAtMs);
            command.ExecuteNonQuery();
        }
    }

    /// <summary>Whether <paramref name="sessionId"/> ended here leaving nothing unpaid (<see cref="EndSession"/>).</summary>
    public bool IsSettled(ulong sessionId)
    {
        lock (_lock)
        {
            using var command = Command("SELECT COUNT(*) FROM settled_sessions WHERE session_id = $session");
            command.Parameters.AddWithValue("$session", unchecked((long)sessionId));
            return (long)command.ExecuteScalar()! > 0;
        }
    }

    /// <summary>When <paramref name="sessionId"/> ended on this gateway (Unix milliseconds), or null when it did not.</summary>
    public long? SessionEndedAt(ulong sessionId)
    {
        lock (_lock)
        {
            using var command = Command("SELECT ended_ms FROM ended_sessions WHERE session_id = $session");
            command.Parameters.AddWithValue("$session", unchecked((long)sessionId));
            return command.ExecuteScalar() is long at ? at : null;
        }
    }

    /// <summary>
    /// The session's evidence key and the provider's signed commitment to it (docs/protocol.md §5.5), or null: the
    /// provider's own key of a session it meters, or the key a client received. Kept for good (a party discloses it in a
    /// dispute), also after the session ended.
    /// </summary>
    public (byte[] Key, string Signature)? EvidenceKey(ulong sessionId)
    {
        lock (_lock)
        {
            using var command = Command("SELECT key, signature FROM evidence_keys WHERE session_id = $session");
            command.Parameters.AddWithValue("$session", unchecked((long)sessionId));
            using var reader = command.ExecuteReader();
            return reader.Read() ? ((byte[])reader.GetValue(0), reader.GetString(1)) : null;
        }
    }

    /// <summary>
    /// Keeps a session's evidence key durably, unless one is held already (a session's key never changes: its records are
    /// sealed under the first). Returns the key held afterwards, which is <paramref name="key"/> unless another was first.
    /// </summary>
    public (byte[] Key, string Signature) KeepEvidenceKey(ulong sessionId, byte[] key, string signature, long atMs)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(signature);
        lock (_lock)
        {
            using (var insert = Command("INSERT OR IGNORE INTO evidence_keys (session_id, key, signature, created_ms) VALUES ($session, $key, $signature, $at)"))
            {
                insert.Parameters.AddWithValue("$session", unchecked((long)sessionId));
                insert.Parameters.AddWithValue("$key", key);
                insert.Parameters.AddWithValue("$signature", signature);
                insert.Parameters.AddWithValue("$at", atMs);
                insert.ExecuteNonQuery();
            }

            using var select = Command("SELECT key, signature FROM evidence_keys WHERE session_id = $session");
            select.Parameters.AddWithValue("$session", unchecked((long)sessionId));
            using var reader = select.ExecuteReader();
            reader.Read();
            return ((byte[])reader.GetValue(0), reader.GetString(1));
        }
    }

    /// <summary>
    /// Sets the provider's signed commitment of a key kept without one (made first, signed next: the key is durable before
    /// it is signed or used). Returns the key and signature held.
    /// </summary>
    public (byte[] Key, string Signature) ReplaceEvidenceKeySignature(ulong sessionId, string signature)
    {
        lock (_lock)
        {
            using (var update = Command("UPDATE evidence_keys SET signature = $signature WHERE session_id = $session AND signature = ''"))
            {
                update.Parameters.AddWithValue("$session", unchecked((long)sessionId));
                update.Parameters.AddWithValue("$signature", signature);
                update.ExecuteNonQuery();
            }
        }

        return EvidenceKey(sessionId) ?? throw new InvalidOperationException($"session {sessionId} has no evidence key");
    }

    /// <summary>Client side: keeps a refused epoch for a dispute.</summary>
    public void KeepDisputedEpoch(DisputedEpoch epoch)
    {
        ArgumentNullException.ThrowIfNull(epoch);
        lock (_lock)
        {
            using var command = Command("""
                INSERT INTO disputed_epochs (session_id, sequence, reason, detail, message, observed, received_ms)
                VALUES ($session, $sequence, $reason, $detail, $message, $observed, $at)
                """);
            command.Parameters.AddWithValue("$session", unchecked((long)epoch.SessionId));
            command.Parameters.AddWithValue("$sequence", unchecked((long)epoch.Sequence));
            command.Parameters.AddWithValue("$reason", (int)epoch.Reason);
            command.Parameters.AddWithValue("$detail", epoch.Detail);
            command.Parameters.AddWithValue("$message", epoch.Message);
            command.Parameters.AddWithValue("$observed", epoch.Observed);
            command.Parameters.AddWithValue("$at", epoch.ReceivedAtMs);
            command.ExecuteNonQuery();
        }
    }

    /// <summary>Client side: the refused epochs kept for <paramref name="sessionId"/>.</summary>
    public IReadOnlyList<DisputedEpoch> DisputedEpochs(ulong sessionId)
    {
        lock (_lock)
        {
            using var command = Command("SELECT sequence, reason, detail, message, observed, received_ms FROM disputed_epochs WHERE session_id = $session ORDER BY id");
            command.Parameters.AddWithValue("$session", unchecked((long)sessionId));
            using var reader = command.ExecuteReader();
            var list = new List<DisputedEpoch>();
            while (reader.Read())
            {
                list.Add(new DisputedEpoch(sessionId, unchecked((ulong)reader.GetInt64(0)), (EpochRejectionReason)reader.GetInt32(1), reader.GetString(2), (byte[])reader.GetValue(3), reader.GetString(4), reader.GetInt64(5)));
            }

            return list;
        }
    }
}
