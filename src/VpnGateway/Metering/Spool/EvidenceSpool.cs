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
/// session's end (log hashes only); nothing else deletes evidence. Each session's latest voucher is kept apart from its
/// batches (<see cref="LatestVoucher"/>), until it is redeemed on-chain, whatever the collector acknowledges.
/// </summary>
/// <remarks>One connection behind a lock: writers are the epoch loop and the publisher, a few times per second.</remarks>
internal sealed partial class EvidenceSpool : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly SqliteConnection _connection;
    private readonly Lock _lock = new();

    private const int SchemaVersion = 3;

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
                leaf_hashes BLOB NOT NULL DEFAULT x'',
                sealed BLOB NOT NULL DEFAULT x'',
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
            CREATE TABLE IF NOT EXISTS ended_sessions (
                session_id INTEGER PRIMARY KEY,
                ended_ms INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS evidence_keys (
                session_id INTEGER PRIMARY KEY,
                key BLOB NOT NULL,
                signature TEXT NOT NULL,
                created_ms INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS settled_sessions (
                session_id INTEGER PRIMARY KEY);
            CREATE TABLE IF NOT EXISTS settlements (
                session_id INTEGER PRIMARY KEY,
                role INTEGER NOT NULL DEFAULT 0,
                on_chain INTEGER NOT NULL DEFAULT 0,
                voucher TEXT,
                voucher_amount TEXT NOT NULL DEFAULT '0',
                redeemed_amount TEXT NOT NULL DEFAULT '0',
                ended INTEGER NOT NULL DEFAULT 0,
                close_deadline INTEGER NOT NULL DEFAULT 0,
                closed INTEGER NOT NULL DEFAULT 0,
                pending_action TEXT,
                pending_amount TEXT,
                pending_since_ms INTEGER,
                last_transaction TEXT,
                last_error TEXT,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_ms INTEGER NOT NULL DEFAULT 0);
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

    /// <summary>
    /// Stores a freshly signed checkpoint in one durable transaction: the batch as it will be published (leaf hashes and
    /// sealed records; publishable at <paramref name="publishAfterMs"/> unless a voucher or rejection comes first), the
    /// plaintext <paramref name="records"/> (this gateway's own copy: resent to the client after a restart), and the
    /// log's new leaf hashes.
    /// </summary>
    public void AddCheckpoint(EvidenceBatch batch, IReadOnlyList<byte[]> records, ulong sequence, ulong allowedOctets, long publishAfterMs)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(records);
        var plaintext = Concatenate(records, FlowRecordEncoding.Size);
        var leafHashes = Concatenate(batch.LeafHashes, MerkleHash.Size);
        var sealedRecords = Concatenate(batch.SealedRecords, RecordSealer.SealedSize);
        var body = JsonSerializer.Serialize(batch with { LeafHashes = [], SealedRecords = [] }, Json);
        lock (_lock)
        {
            using var transaction = _connection.BeginTransaction();
            using (var insert = Command("""
                INSERT INTO batches (batch_id, session_id, tree_size, body, records, leaf_hashes, sealed, ready, publish_after_ms)
                VALUES ($id, $session, $size, $body, $records, $leaves, $sealed, $ready, $after)
                """, transaction))
            {
                insert.Parameters.AddWithValue("$id", batch.BatchId.ToString());
                insert.Parameters.AddWithValue("$session", unchecked((long)batch.SessionId));
                insert.Parameters.AddWithValue("$size", unchecked((long)batch.Checkpoint.TreeSize));
                insert.Parameters.AddWithValue("$body", body);
                insert.Parameters.AddWithValue("$records", plaintext);
                insert.Parameters.AddWithValue("$leaves", leafHashes);
                insert.Parameters.AddWithValue("$sealed", sealedRecords);
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
                log.Parameters.AddWithValue("$hashes", leafHashes);
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

            KeepVoucher(sessionId, voucher, transaction);
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

    // Version 1 files (before collector acknowledgements) get the state columns; their unreadable rows stay set aside.
    // Version 2 files (before sealed records) get the leaf hash and sealed record columns.
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

        using (var sealedColumn = connection.CreateCommand())
        {
            // Version 2 files (before sealed records): their batches carry no sealed records, so a collector rejects them
            // and they stay quarantined (kept, never lost). Drain a spool with the old gateway before upgrading.
            sealedColumn.CommandText = "SELECT COUNT(*) FROM pragma_table_info('batches') WHERE name = 'sealed'";
            if ((long)sealedColumn.ExecuteScalar()! == 0)
            {
                Execute(connection, """
                    ALTER TABLE batches ADD COLUMN leaf_hashes BLOB NOT NULL DEFAULT x'';
                    ALTER TABLE batches ADD COLUMN sealed BLOB NOT NULL DEFAULT x'';
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

    private static byte[] Concatenate(IReadOnlyList<byte[]> items, int size)
    {
        var bytes = new byte[items.Count * size];
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].Length != size)
            {
                throw new ArgumentException($"item {i} has {items[i].Length} bytes, not {size}", nameof(items));
            }

            items[i].CopyTo(bytes, i * size);
        }

        return bytes;
    }

    private static byte[][] Split(byte[] bytes, int size)
    {
        if (bytes.Length % size != 0)
        {
            throw new InvalidDataException($"spooled items of {bytes.Length} bytes are not a multiple of {size}");
        }

        var items = new byte[bytes.Length / size][];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = bytes.AsSpan(i * size, size).ToArray();
        }

        return items;
    }

    // The published form of a row: its body with its leaf hashes and sealed records (column ordinals given).
    private static EvidenceBatch? Published(SqliteDataReader reader, int body, int leafHashes, int sealedRecords)
        => JsonSerializer.Deserialize<EvidenceBatch>(reader.GetString(body), Json) is { } batch
            ? batch with { LeafHashes = Split((byte[])reader.GetValue(leafHashes), MerkleHash.Size), SealedRecords = Split((byte[])reader.GetValue(sealedRecords), RecordSealer.SealedSize) }
            : null;

    private static byte[][] Plaintext(SqliteDataReader reader, int records) => Split((byte[])reader.GetValue(records), FlowRecordEncoding.Size);
}
