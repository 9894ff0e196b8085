using System.Text.Json;
using Oracle.Core.Evidence;

namespace VpnGateway.Metering.Spool;

/// <summary>Publication: what is due, the broker's confirmations, the collector's answers, and the states of the batches.</summary>
internal sealed partial class EvidenceSpool
{
    /// <summary>Batches the collector has not acknowledged yet (spooled or published), quarantined ones aside.</summary>
    public long Pending => CountWhere("state IN (0, 1)");

    /// <summary>Batches published and waiting for the collector's acknowledgement.</summary>
    public long AwaitingAcknowledgement => CountWhere("state = 1");

    /// <summary>Batches set aside: rejected by the collector, or unreadable. Kept for inspection, never published again.</summary>
    public long Quarantined => CountWhere("state IN (2, 3)");

    /// <summary>
    /// Up to <paramref name="limit"/> batches to publish now, oldest first (per session in log order). They are claimed
    /// for publication: a voucher or refusal that comes later no longer changes them.
    /// </summary>
    public IReadOnlyList<EvidenceBatch> Due(long nowMs, int limit) => Offer(nowMs, limit, claim: true);

    /// <summary>What <see cref="Due"/> would offer, without claiming it (inspection: status, tests).</summary>
    public IReadOnlyList<EvidenceBatch> Peek(long nowMs, int limit) => Offer(nowMs, limit, claim: false);

    private List<EvidenceBatch> Offer(long nowMs, int limit, bool claim)
    {
        var due = new List<EvidenceBatch>();
        var broken = new List<(string Id, string Error)>();
        var claimed = new List<string>();
        lock (_lock)
        {
            using var command = Command("""
                SELECT batch_id, body, leaf_hashes, sealed FROM batches
                WHERE next_attempt_ms <= $now AND (state = 1 OR (state = 0 AND (ready = 1 OR publish_after_ms <= $now)))
                ORDER BY session_id, tree_size LIMIT $limit
                """);
            command.Parameters.AddWithValue("$now", nowMs);
            command.Parameters.AddWithValue("$limit", limit);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var id = reader.GetString(0);
                try
                {
                    due.Add(Published(reader, 1, 2, 3) ?? throw new JsonException("null batch"));
                    if (claim)
                    {
                        claimed.Add(id);
                    }
                }
                catch (Exception e) when (e is JsonException or FormatException or InvalidDataException)
                {
                    broken.Add((id, e.Message));
                }
            }

            // What is handed to the publisher is what the broker gets: from now on a late voucher no longer changes the
            // batch (its id names this content at the collector), and it is published again as it is until acknowledged.
            foreach (var id in claimed)
            {
                using var handOut = Command("UPDATE batches SET state = 1 WHERE batch_id = $id AND state = 0");
                handOut.Parameters.AddWithValue("$id", id);
                handOut.ExecuteNonQuery();
            }

            // An unreadable row stays (it is evidence) but is no longer offered; the operator sees it in the log.
            foreach (var (id, error) in broken)
            {
                using var quarantine = Command("UPDATE batches SET state = 2, last_error = $error WHERE batch_id = $id");
                quarantine.Parameters.AddWithValue("$id", id);
                quarantine.Parameters.AddWithValue("$error", error);
                quarantine.ExecuteNonQuery();
            }
        }

        QuarantinedNow = broken.Count;
        return due;
    }

    /// <summary>Rows set aside by the last <see cref="Due"/> because they could not be read.</summary>
    public int QuarantinedNow { get; private set; }

    /// <summary>
    /// The broker confirmed a publication of <paramref name="batchId"/>: the batch waits for the collector's
    /// acknowledgement until <paramref name="acknowledgeByMs"/>, then it is offered again. A batch already acknowledged or
    /// rejected (the answer can overtake the broker's confirmation) is left as it is.
    /// </summary>
    public void MarkPublished(Guid batchId, long acknowledgeByMs)
    {
        lock (_lock)
        {
            using var command = Command("""
                UPDATE batches SET state = 1, publications = publications + 1, attempts = 0, next_attempt_ms = $next, last_error = NULL
                WHERE batch_id = $id AND state IN (0, 1)
                """);
            command.Parameters.AddWithValue("$id", batchId.ToString());
            command.Parameters.AddWithValue("$next", acknowledgeByMs);
            command.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// The collector holds <paramref name="batchId"/> with content digest <paramref name="digest"/>
    /// (<see cref="EvidenceBatchDigest"/>): removes the spooled batch if it is that content. A quarantined batch is
    /// never removed.
    /// </summary>
    public AcknowledgementOutcome Acknowledge(Guid batchId, ReadOnlySpan<byte> digest)
    {
        lock (_lock)
        {
            EvidenceBatch? batch;
            using (var select = Command("SELECT body, leaf_hashes, sealed FROM batches WHERE batch_id = $id AND state IN (0, 1)"))
            {
                select.Parameters.AddWithValue("$id", batchId.ToString());
                using var reader = select.ExecuteReader();
                batch = reader.Read() ? Published(reader, 0, 1, 2) : null;
            }

            if (batch is null)
            {
                return AcknowledgementOutcome.NotSpooled;
            }

            if (!EvidenceBatchDigest.Compute(batch).AsSpan().SequenceEqual(digest))
            {
                return AcknowledgementOutcome.OtherContent;
            }

            using var command = Command("DELETE FROM batches WHERE batch_id = $id AND state IN (0, 1)");
            command.Parameters.AddWithValue("$id", batchId.ToString());
            command.ExecuteNonQuery();
            return AcknowledgementOutcome.Removed;
        }
    }

    /// <summary>
    /// The collector refused <paramref name="batchId"/> holding content <paramref name="digest"/>: a published batch with
    /// that content stays in the spool, quarantined with the reason, and is not published again. A batch not published
    /// (still waiting for its voucher), or with other content, is left as it is: an id, which anyone can compute, or a
    /// digest of something else quarantines nothing.
    /// </summary>
    public RejectionOutcome Reject(Guid batchId, ReadOnlySpan<byte> digest, string reason)
    {
        lock (_lock)
        {
            EvidenceBatch? batch;
            using (var select = Command("SELECT body, leaf_hashes, sealed FROM batches WHERE batch_id = $id AND state = 1"))
            {
                select.Parameters.AddWithValue("$id", batchId.ToString());
                using var reader = select.ExecuteReader();
                batch = reader.Read() ? Published(reader, 0, 1, 2) : null;
            }

            if (batch is null)
            {
                return RejectionOutcome.NotPublished;
            }

            if (!EvidenceBatchDigest.Compute(batch).AsSpan().SequenceEqual(digest))
            {
                return RejectionOutcome.OtherContent;
            }

            using var command = Command("UPDATE batches SET state = 3, last_error = $error WHERE batch_id = $id AND state = 1");
            command.Parameters.AddWithValue("$id", batchId.ToString());
            command.Parameters.AddWithValue("$error", reason);
            command.ExecuteNonQuery();
            return RejectionOutcome.Quarantined;
        }
    }

    /// <summary>How many times the broker confirmed a publication of <paramref name="batchId"/> (0 when not spooled).</summary>
    public int Publications(Guid batchId) => BatchCounter("SELECT publications FROM batches WHERE batch_id = $id", batchId);

    /// <summary>The session ended: its batches still waiting for a voucher are published now (no voucher can come any more).</summary>
    public void ReleaseSession(ulong sessionId)
    {
        bool released;
        lock (_lock)
        {
            using var command = Command("UPDATE batches SET ready = 1 WHERE session_id = $session AND state = 0 AND ready = 0");
            command.Parameters.AddWithValue("$session", unchecked((long)sessionId));
            released = command.ExecuteNonQuery() > 0;
        }

        if (released)
        {
            BatchReady?.Invoke();
        }
    }

    /// <summary>Every spooled batch with its state, in log order (for inspection and tests).</summary>
    public IReadOnlyList<SpoolEntry> Entries()
    {
        var entries = new List<SpoolEntry>();
        lock (_lock)
        {
            using var command = Command("SELECT batch_id, session_id, tree_size, state, publications, last_error, body, leaf_hashes, sealed, records FROM batches ORDER BY session_id, tree_size");
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                EvidenceBatch? batch = null;
                IReadOnlyList<byte[]> records = [];
                try
                {
                    batch = Published(reader, 6, 7, 8);
                    records = Plaintext(reader, 9);
                }
                catch (Exception e) when (e is JsonException or FormatException or InvalidDataException)
                {
                    // An unreadable row is listed without its batch.
                }

                entries.Add(new SpoolEntry(Guid.Parse(reader.GetString(0)), unchecked((ulong)reader.GetInt64(1)), unchecked((ulong)reader.GetInt64(2)),
                    (SpoolState)reader.GetInt32(3), reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetString(5), batch, records));
            }
        }

        return entries;
    }

    /// <summary>Records a failed publication; the batch is offered again at <paramref name="nextAttemptMs"/>.</summary>
    public void Postpone(Guid batchId, long nextAttemptMs, string error)
    {
        lock (_lock)
        {
            using var command = Command("UPDATE batches SET attempts = attempts + 1, next_attempt_ms = $next, last_error = $error WHERE batch_id = $id");
            command.Parameters.AddWithValue("$id", batchId.ToString());
            command.Parameters.AddWithValue("$next", nextAttemptMs);
            command.Parameters.AddWithValue("$error", error);
            command.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// The spooled batch of <paramref name="sessionId"/> with <paramref name="treeSize"/> leaves, as published, and its
    /// plaintext records (this gateway's copy), if still spooled.
    /// </summary>
    public (EvidenceBatch Batch, IReadOnlyList<byte[]> Records)? Find(ulong sessionId, ulong treeSize)
    {
        lock (_lock)
        {
            using var command = Command("SELECT body, leaf_hashes, sealed, records FROM batches WHERE session_id = $session AND tree_size = $size");
            command.Parameters.AddWithValue("$session", unchecked((long)sessionId));
            command.Parameters.AddWithValue("$size", unchecked((long)treeSize));
            using var reader = command.ExecuteReader();
            return reader.Read() && Published(reader, 0, 1, 2) is { } batch ? (batch, Plaintext(reader, 3)) : null;
        }
    }

    /// <summary>How many times publishing <paramref name="batchId"/> failed (0 when it is not spooled).</summary>
    public int Attempts(Guid batchId) => BatchCounter("SELECT attempts FROM batches WHERE batch_id = $id", batchId);

    private int BatchCounter(string query, Guid batchId)
    {
        lock (_lock)
        {
            using var command = Command(query);
            command.Parameters.AddWithValue("$id", batchId.ToString());
            return command.ExecuteScalar() is long count ? (int)count : 0;
        }
    }

    private long CountWhere(string condition)
    {
        lock (_lock)
        {
            using var command = Command("SELECT COUNT(*) FROM batches WHERE " + condition);
            return (long)command.ExecuteScalar()!;
        }
    }
}
