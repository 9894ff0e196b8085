using System.Text.Json;
using Microsoft.Data.Sqlite;
using Oracle.Core.Evidence;
using Oracle.Core.Merkle;

namespace VpnGateway.Metering.Spool;

/// <summary>
/// The gateway's durable spool: an embedded SQLite file (WAL, <c>synchronous=FULL</c>: a commit is on disk before it
/// returns) holding every signed batch until the evidence collector acknowledged it, the session logs' leaf hashes (to
/// continue a log after a restart) and, on the client side, the provider epochs it refused. A batch is
/// <see cref="SpoolState.Spooled"/> until the broker confirmed its publication, then <see cref="SpoolState.Published"/>
/// until the collector's acknowledgement (published again if none comes in time); a batch the collector rejected, or one
/// that can no longer be read, stays quarantined. Rows leave only through <see cref="Acknowledge"/>, or with their
/// session's end (log hashes only); nothing else deletes evidence.
/// </summary>
/// <remarks>One connection behind a lock: writers are the epoch loop and the publisher, a few times per second.</remarks>
internal sealed class EvidenceSpool : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly SqliteConnection _connection;
    private readonly Lock _lock = new();

    private const int SchemaVersion = 2;

    private EvidenceSpool(SqliteConnection connection, Guid id)
    {
        _connection = connection;
        Id = id;
    }

    /// <summary>This spool's identity (made when the file was created): names its acknowledgement queue.</summary>
    public Guid Id { get; }

    /// <summary>Raised after a batch became publishable (added ready, or its voucher arrived).</summary>
    public event Action? BatchReady;

    /// <summary>Opens (creating if needed) the spool at <paramref name="path"/>.</summary>
    public static EvidenceSpool Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, Mode = SqliteOpenMode.ReadWriteCreate }.ToString());
        connection.Open();
        Execute(connection, """
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = FULL;
            PRAGMA busy_timeout = 5000;
            CREATE TABLE IF NOT EXISTS batches (
                batch_id TEXT PRIMARY KEY,
                session_id INTEGER NOT NULL,
                tree_size INTEGER NOT NULL,
                body TEXT NOT NULL,
                records BLOB NOT NULL,
                ready INTEGER NOT NULL,
                publish_after_ms INTEGER NOT NULL,
                next_attempt_ms INTEGER NOT NULL DEFAULT 0,
                attempts INTEGER NOT NULL DEFAULT 0,
                last_error TEXT,
                quarantined INTEGER NOT NULL DEFAULT 0,
                state INTEGER NOT NULL DEFAULT 0,
                publications INTEGER NOT NULL DEFAULT 0,
                UNIQUE (session_id, tree_size));
            CREATE TABLE IF NOT EXISTS meta (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS log_checkpoints (
                session_id INTEGER NOT NULL,
                tree_size INTEGER NOT NULL,
                sequence INTEGER NOT NULL,
                epoch_time INTEGER NOT NULL,
                allowed_octets INTEGER NOT NULL,
                capture_drops INTEGER NOT NULL,
                leaf_hashes BLOB NOT NULL,
                PRIMARY KEY (session_id, tree_size));
            CREATE TABLE IF NOT EXISTS sessions (
                session_id INTEGER PRIMARY KEY,
                last_voucher_size INTEGER NOT NULL DEFAULT 0);
            CREATE TABLE IF NOT EXISTS disputed_epochs (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                session_id INTEGER NOT NULL,
                sequence INTEGER NOT NULL,
                reason INTEGER NOT NULL,
                detail TEXT NOT NULL,
                message BLOB NOT NULL,
                observed TEXT NOT NULL,
                received_ms INTEGER NOT NULL);
            """);
        Migrate(connection);
        return new EvidenceSpool(connection, SpoolId(connection));
    }

    /// <summary>Batches the collector has not acknowledged yet (spooled or published), quarantined ones aside.</summary>
    public long Pending => CountWhere("state IN (0, 1)");

    /// <summary>Batches published and waiting for the collector's acknowledgement.</summary>
    public long AwaitingAcknowledgement => CountWhere("state = 1");

    /// <summary>Batches set aside: rejected by the collector, or unreadable. Kept for inspection, never published again.</summary>
    public long Quarantined => CountWhere("state IN (2, 3)");

    /// <summary>
    /// Stores a freshly signed checkpoint in one durable transaction: the batch (publishable at
    /// <paramref name="publishAfterMs"/> unless a voucher or rejection comes first) and the log's new leaf hashes.
    /// </summary>
    public void AddCheckpoint(EvidenceBatch batch, ulong sequence, ulong allowedOctets, ReadOnlySpan<byte> leafHashes, long publishAfterMs)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var records = Concatenate(batch.Records);
        var body = JsonSerializer.Serialize(batch with { Records = [] }, Json);
        lock (_lock)
        {
            using var transaction = _connection.BeginTransaction();
            using (var insert = Command("""
                INSERT INTO batches (batch_id, session_id, tree_size, body, records, ready, publish_after_ms)
                VALUES ($id, $session, $size, $body, $records, $ready, $after)
                """, transaction))
            {
                insert.Parameters.AddWithValue("$id", batch.BatchId.ToString());
                insert.Parameters.AddWithValue("$session", unchecked((long)batch.SessionId));
                insert.Parameters.AddWithValue("$size", unchecked((long)batch.Checkpoint.TreeSize));
                insert.Parameters.AddWithValue("$body", body);
                insert.Parameters.AddWithValue("$records", records);
                insert.Parameters.AddWithValue("$ready", batch.Voucher is null && batch.Rejection is null ? 0 : 1);
                insert.Parameters.AddWithValue("$after", publishAfterMs);
                insert.ExecuteNonQuery();
            }

            using (var log = Command("""
                INSERT INTO log_checkpoints (session_id, tree_size, sequence, epoch_time, allowed_octets, capture_drops, leaf_hashes)
                VALUES ($session, $size, $sequence, $time, $octets, $drops, $hashes)
                """, transaction))
            {
                log.Parameters.AddWithValue("$session", unchecked((long)batch.SessionId));
                log.Parameters.AddWithValue("$size", unchecked((long)batch.Checkpoint.TreeSize));
                log.Parameters.AddWithValue("$sequence", unchecked((long)sequence));
                log.Parameters.AddWithValue("$time", unchecked((long)batch.Checkpoint.EpochTime));
                log.Parameters.AddWithValue("$octets", unchecked((long)allowedOctets));
                log.Parameters.AddWithValue("$drops", unchecked((long)batch.Checkpoint.CaptureDrops));
                log.Parameters.AddWithValue("$hashes", leafHashes.ToArray());
                log.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        if (batch.Voucher is not null || batch.Rejection is not null)
        {
            BatchReady?.Invoke();
        }
    }

    /// <summary>
    /// Attaches the client's voucher to the batch of that tree size and makes it and every earlier batch of the session
    /// publishable (a voucher is cumulative: earlier checkpoints will get none of their own).
    /// </summary>
    /// <returns>False when that batch is no longer waiting (it was published without the voucher).</returns>
    public bool AttachVoucher(ulong sessionId, ulong treeSize, SignedVoucher voucher)
    {
        var attached = Update(sessionId, treeSize, b => b with { Voucher = voucher });
        lock (_lock)
        {
            using var transaction = _connection.BeginTransaction();
            using (var ready = Command("UPDATE batches SET ready = 1 WHERE session_id = $session AND tree_size <= $size AND state = 0", transaction))
            {
                ready.Parameters.AddWithValue("$session", unchecked((long)sessionId));
                ready.Parameters.AddWithValue("$size", unchecked((long)treeSize));
                ready.ExecuteNonQuery();
            }

            using (var session = Command("""
                INSERT INTO sessions (session_id, last_voucher_size) VALUES ($session, $size)
                ON CONFLICT (session_id) DO UPDATE SET last_voucher_size = MAX(last_voucher_size, excluded.last_voucher_size)
                """, transaction))
            {
                session.Parameters.AddWithValue("$session", unchecked((long)sessionId));
                session.Parameters.AddWithValue("$size", unchecked((long)treeSize));
                session.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        BatchReady?.Invoke();
        return attached;
    }

    /// <summary>Attaches the client's refusal to the batch of that tree size and makes it publishable.</summary>
    public bool AttachRejection(ulong sessionId, ulong treeSize, ClientRejection rejection)
    {
        var attached = Update(sessionId, treeSize, b => b with { Rejection = rejection });
        if (attached)
        {
            BatchReady?.Invoke();
        }

        return attached;
    }

    /// <summary>Up to <paramref name="limit"/> batches to publish now, oldest first (per session in log order).</summary>
    public IReadOnlyList<EvidenceBatch> Due(long nowMs, int limit)
    {
        var due = new List<EvidenceBatch>();
        var broken = new List<(string Id, string Error)>();
        lock (_lock)
        {
            using var command = Command("""
                SELECT batch_id, body, records FROM batches
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
                    var batch = JsonSerializer.Deserialize<EvidenceBatch>(reader.GetString(1), Json) ?? throw new JsonException("null batch");
                    due.Add(batch with { Records = Split((byte[])reader.GetValue(2)) });
                }
                catch (Exception e) when (e is JsonException or FormatException or InvalidDataException)
                {
                    broken.Add((id, e.Message));
                }
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

    /// <summary>The collector holds <paramref name="batchId"/>: removes it. False when it was not spooled (a duplicate answer).</summary>
    public bool Acknowledge(Guid batchId)
    {
        lock (_lock)
        {
            using var command = Command("DELETE FROM batches WHERE batch_id = $id AND state <> 2");
            command.Parameters.AddWithValue("$id", batchId.ToString());
            return command.ExecuteNonQuery() > 0;
        }
    }

    /// <summary>
    /// The collector refused <paramref name="batchId"/>: it stays in the spool, quarantined with the reason, and is not
    /// published again. False when it was not spooled (or already set aside).
    /// </summary>
    public bool Reject(Guid batchId, string reason)
    {
        lock (_lock)
        {
            using var command = Command("UPDATE batches SET state = 3, last_error = $error WHERE batch_id = $id AND state IN (0, 1)");
            command.Parameters.AddWithValue("$id", batchId.ToString());
            command.Parameters.AddWithValue("$error", reason);
            return command.ExecuteNonQuery() > 0;
        }
    }

    /// <summary>How many times the broker confirmed a publication of <paramref name="batchId"/> (0 when not spooled).</summary>
    public int Publications(Guid batchId)
    {
        lock (_lock)
        {
            using var command = Command("SELECT publications FROM batches WHERE batch_id = $id");
            command.Parameters.AddWithValue("$id", batchId.ToString());
            return command.ExecuteScalar() is long publications ? (int)publications : 0;
        }
    }

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
            using var command = Command("SELECT batch_id, session_id, tree_size, state, publications, last_error, body, records FROM batches ORDER BY session_id, tree_size");
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                EvidenceBatch? batch = null;
                try
                {
                    batch = JsonSerializer.Deserialize<EvidenceBatch>(reader.GetString(6), Json) is { } b ? b with { Records = Split((byte[])reader.GetValue(7)) } : null;
                }
                catch (Exception e) when (e is JsonException or FormatException or InvalidDataException)
                {
                    // An unreadable row is listed without its batch.
                }

                entries.Add(new SpoolEntry(Guid.Parse(reader.GetString(0)), unchecked((ulong)reader.GetInt64(1)), unchecked((ulong)reader.GetInt64(2)),
                    (SpoolState)reader.GetInt32(3), reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetString(5), batch));
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

    /// <summary>The spooled batch of <paramref name="sessionId"/> with <paramref name="treeSize"/> leaves, if still spooled.</summary>
    public EvidenceBatch? Find(ulong sessionId, ulong treeSize)
    {
        lock (_lock)
        {
            using var command = Command("SELECT body, records FROM batches WHERE session_id = $session AND tree_size = $size");
            command.Parameters.AddWithValue("$session", unchecked((long)sessionId));
            command.Parameters.AddWithValue("$size", unchecked((long)treeSize));
            using var reader = command.ExecuteReader();
            return reader.Read() && JsonSerializer.Deserialize<EvidenceBatch>(reader.GetString(0), Json) is { } batch
                ? batch with { Records = Split((byte[])reader.GetValue(1)) }
                : null;
        }
    }

    /// <summary>How many times publishing <paramref name="batchId"/> failed (0 when it is not spooled).</summary>
    public int Attempts(Guid batchId)
    {
        lock (_lock)
        {
            using var command = Command("SELECT attempts FROM batches WHERE batch_id = $id");
            command.Parameters.AddWithValue("$id", batchId.ToString());
            return command.ExecuteScalar() is long attempts ? (int)attempts : 0;
        }
    }

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

    /// <summary>The session ended: its log hashes are no longer needed to continue it (its batches stay until confirmed).</summary>
    public void EndSession(ulong sessionId)
    {
        lock (_lock)
        {
            using var command = Command("DELETE FROM log_checkpoints WHERE session_id = $session; DELETE FROM sessions WHERE session_id = $session");
            command.Parameters.AddWithValue("$session", unchecked((long)sessionId));
            command.ExecuteNonQuery();
        }
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

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_lock)
        {
            _connection.Dispose();
        }
    }

    private bool Update(ulong sessionId, ulong treeSize, Func<EvidenceBatch, EvidenceBatch> change)
    {
        lock (_lock)
        {
            using var transaction = _connection.BeginTransaction();
            string? body;
            // A published batch is never changed: its id already names this content at the collector.
            using (var select = Command("SELECT body FROM batches WHERE session_id = $session AND tree_size = $size AND state = 0", transaction))
            {
                select.Parameters.AddWithValue("$session", unchecked((long)sessionId));
                select.Parameters.AddWithValue("$size", unchecked((long)treeSize));
                body = select.ExecuteScalar() as string;
            }

            if (body is null || JsonSerializer.Deserialize<EvidenceBatch>(body, Json) is not { } batch)
            {
                return false;
            }

            using (var update = Command("UPDATE batches SET body = $body, ready = 1 WHERE session_id = $session AND tree_size = $size", transaction))
            {
                update.Parameters.AddWithValue("$session", unchecked((long)sessionId));
                update.Parameters.AddWithValue("$size", unchecked((long)treeSize));
                update.Parameters.AddWithValue("$body", JsonSerializer.Serialize(change(batch), Json));
                update.ExecuteNonQuery();
            }

            transaction.Commit();
            return true;
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

    // Version 1 files (before collector acknowledgements) get the state columns; their unreadable rows stay set aside.
    private static void Migrate(SqliteConnection connection)
    {
        using (var version = connection.CreateCommand())
        {
            version.CommandText = "PRAGMA user_version";
            if ((long)version.ExecuteScalar()! >= SchemaVersion)
            {
                return;
            }
        }

        using (var columns = connection.CreateCommand())
        {
            columns.CommandText = "SELECT COUNT(*) FROM pragma_table_info('batches') WHERE name = 'state'";
            if ((long)columns.ExecuteScalar()! == 0)
            {
                Execute(connection, """
                    ALTER TABLE batches ADD COLUMN state INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE batches ADD COLUMN publications INTEGER NOT NULL DEFAULT 0;
                    UPDATE batches SET state = 2 WHERE quarantined = 1;
                    """);
            }
        }

        Execute(connection, $"PRAGMA user_version = {SchemaVersion}");
    }

    private static Guid SpoolId(SqliteConnection connection)
    {
        using (var insert = connection.CreateCommand())
        {
            insert.CommandText = "INSERT OR IGNORE INTO meta (key, value) VALUES ('spool_id', $id)";
            insert.Parameters.AddWithValue("$id", Guid.NewGuid().ToString("N"));
            insert.ExecuteNonQuery();
        }

        using var select = connection.CreateCommand();
        select.CommandText = "SELECT value FROM meta WHERE key = 'spool_id'";
        return Guid.Parse((string)select.ExecuteScalar()!);
    }

    private SqliteCommand Command(string sql, SqliteTransaction? transaction = null)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static byte[] Concatenate(IReadOnlyList<byte[]> records)
    {
        var bytes = new byte[records.Count * FlowRecordEncoding.Size];
        for (var i = 0; i < records.Count; i++)
        {
            if (records[i].Length != FlowRecordEncoding.Size)
            {
                throw new ArgumentException($"record {i} has {records[i].Length} bytes, not {FlowRecordEncoding.Size}", nameof(records));
            }

            records[i].CopyTo(bytes, i * FlowRecordEncoding.Size);
        }

        return bytes;
    }

    private static byte[][] Split(byte[] bytes)
    {
        if (bytes.Length % FlowRecordEncoding.Size != 0)
        {
            throw new InvalidDataException($"spooled records of {bytes.Length} bytes are not a multiple of {FlowRecordEncoding.Size}");
        }

        var records = new byte[bytes.Length / FlowRecordEncoding.Size][];
        for (var i = 0; i < records.Length; i++)
        {
            records[i] = bytes.AsSpan(i * FlowRecordEncoding.Size, FlowRecordEncoding.Size).ToArray();
        }

        return records;
    }
}
