using System.Diagnostics;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using EvidenceCollector.Log;
using Oracle.Core.Evidence;
using Oracle.Core.Merkle;
using Oracle.Storage;

namespace EvidenceCollector.Ingestion;

/// <summary>
/// Stores verified batches in PostgreSQL, once each, a whole group in one transaction (group commit): the rows of the
/// group's sessions are locked in session order (so batches of one session are stored one after the other, by any
/// number of collector processes, without deadlocks), each batch must continue its session's log exactly where it ends
/// (the log held before the group, or the batches of the group before it) and give the checkpoint's root from the log's
/// compact range (<see cref="SessionHeadCache"/> spares reading it), and then every stored batch's records and leaf
/// hashes go in with one binary COPY, the subtrees they complete, the batches, the sessions' new heads, the conflicts and
/// the refusals with a few statements of one round trip. A batch held already is a duplicate (same digest) or a
/// conflict (another digest: kept whole in <c>conflicts</c>, never stored as evidence). Nothing is decided for the
/// bus before the commit: a failed transaction leaves no row and no cached head.
/// </summary>
internal sealed class EvidenceStore(OracleDatabase database, CollectorInstance instance, SessionHeadCache heads, CollectorMetrics metrics)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Stores the verified <paramref name="batches"/> and keeps the <paramref name="refusals"/>' reasons, in one
    /// transaction; returns one result per batch, in the order given.
    /// </summary>
    /// <param name="batches">Batches whose signatures and parties were checked, any sessions, any order.</param>
    /// <param name="refusals">Batches refused before the store (their reasons are kept with the commit).</param>
    /// <param name="cancellationToken">Cancels the store (nothing is written unless it committed).</param>
    public async Task<StoreResult[]> StoreGroupAsync(IReadOnlyList<VerifiedBatch> batches, IReadOnlyList<BatchRefusal> refusals, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentNullException.ThrowIfNull(refusals);
        var results = new StoreResult[batches.Count];
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var writes = new GroupWrites(instance.Name);
        foreach (var refusal in refusals)
        {
            writes.Refuse(refusal.Batch, refusal.Digest, refusal.Error, refusal.Detail);
        }

        var touched = new Dictionary<long, SessionState>();
        var phase = Stopwatch.GetTimestamp();
        if (batches.Count > 0)
        {
            var (states, held) = await LockAsync(connection, transaction, batches, cancellationToken).ConfigureAwait(false);
            phase = Phase("lock", phase);
            // Within a session in log order; a redelivered copy right after its original.
            var order = Enumerable.Range(0, batches.Count)
                .OrderBy(i => DbIds.Session(batches[i].Batch.SessionId))
                .ThenBy(i => batches[i].Batch.FirstLeafIndex)
                .ThenBy(i => batches[i].Batch.Checkpoint.TreeSize);
            foreach (var i in order)
            {
                var state = states[DbIds.Session(batches[i].Batch.SessionId)];
                results[i] = Decide(batches[i], state, held, writes);
                if (results[i].Refusal is { } error)
                {
                    writes.Refuse(batches[i].Batch, batches[i].Digest, error, results[i].Detail);
                }

                if (results[i].Outcome == StoreOutcome.Stored)
                {
                    touched[state.Key] = state;
                }
            }
        }

        phase = Phase("decide", phase);
        await writes.WriteAsync(connection, transaction, touched.Values, metrics, cancellationToken).ConfigureAwait(false);
        phase = Phase("write", phase);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        Phase("commit", phase);
        foreach (var state in touched.Values)
        {
            heads.Set(state.Key, new SessionHead(state.Range.Size, state.Root, PackedRange.Pack(state.Range)));
        }

        return results;
    }

    private long Phase(string name, long started)
    {
        var now = Stopwatch.GetTimestamp();
        metrics.StorePhase(name, Stopwatch.GetElapsedTime(started, now));
        return now;
    }

    // Creates the rows of sessions new here, locks every session row of the group (in session order) and reads which
    // batch ids are held already: one round trip.
    private async Task<(Dictionary<long, SessionState> States, Dictionary<Guid, byte[]> Held)> LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        IReadOnlyList<VerifiedBatch> batches, CancellationToken cancellationToken)
    {
        var sessions = batches.GroupBy(b => DbIds.Session(b.Batch.SessionId)).Select(g => (Key: g.Key, g.First().Session)).OrderBy(s => s.Key).ToList();
        // One read of the cache: the heads compared in the query are the ones whose ranges are used (another worker
        // may replace an entry meanwhile).
        var cached = sessions.Select(s => heads.Get(s.Key)).ToList();
        var compared = sessions.Zip(cached).Where(p => p.Second is not null).ToDictionary(p => p.First.Key, p => p.Second!);
        await using var batch = new NpgsqlBatch(connection, transaction);
        // Every session of the group, cached or not, in session order: a row another transaction is creating is waited
        // for here, before this one holds any row lock, so the locks below are always taken in one order (no deadlock).
        var fresh = sessions;
        {
            var ensure = new NpgsqlBatchCommand(
                "INSERT INTO sessions (session_id, gateway, client, opened_at, root, compact_range) " +
                "SELECT s.id, s.gateway, s.client, s.opened, @root, ''::bytea FROM unnest(@ids, @gateways, @clients, @opened) AS s(id, gateway, client, opened) ORDER BY s.id " +
                "ON CONFLICT DO NOTHING");
            ensure.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = fresh.Select(s => s.Key).ToArray() });
            ensure.Parameters.Add(new NpgsqlParameter("gateways", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = fresh.Select(s => s.Session.Provider.ToLowerInvariant()).ToArray() });
            ensure.Parameters.Add(new NpgsqlParameter("clients", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = fresh.Select(s => s.Session.Client.ToLowerInvariant()).ToArray() });
            ensure.Parameters.Add(new NpgsqlParameter("opened", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = fresh.Select(s => (long)s.Session.OpenedAt).ToArray() });
            ensure.Parameters.Add(new NpgsqlParameter("root", NpgsqlDbType.Bytea) { Value = MerkleHash.EmptyRoot.ToArray() });
            batch.BatchCommands.Add(ensure);
        }

        // The compact range only where the cached head is not the row's (another process moved it, or none is cached).
        var lockRows = new NpgsqlBatchCommand(
            "SELECT s.session_id, s.tree_size, s.root, s.last_epoch_time, CASE WHEN s.tree_size = c.size AND s.root = c.root THEN NULL ELSE s.compact_range END " +
            "FROM sessions s JOIN unnest(@ids, @sizes, @roots) AS c(id, size, root) ON s.session_id = c.id ORDER BY s.session_id FOR UPDATE OF s");
        lockRows.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = sessions.Select(s => s.Key).ToArray() });
        lockRows.Parameters.Add(new NpgsqlParameter("sizes", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = cached.Select(c => c is null ? -1L : DbIds.Size(c.Size)).ToArray() });
        lockRows.Parameters.Add(new NpgsqlParameter("roots", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = cached.Select(c => c?.Root ?? []).ToArray() });
        batch.BatchCommands.Add(lockRows);
        var heldQuery = new NpgsqlBatchCommand("SELECT batch_id, digest FROM batches WHERE batch_id = ANY(@ids)");
        heldQuery.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = batches.Select(b => b.Batch.BatchId).Distinct().ToArray() });
        batch.BatchCommands.Add(heldQuery);

        var states = new Dictionary<long, SessionState>();
        var held = new Dictionary<Guid, byte[]>();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var key = reader.GetInt64(0);
            var size = (ulong)reader.GetInt64(1);
            var root = (byte[])reader[2];
            var packed = reader.IsDBNull(4) ? compared[key].PackedRange : (byte[])reader[4];
            states[key] = new SessionState(key, PackedRange.Unpack(size, packed), root, (ulong)reader.GetInt64(3));
        }

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            held[reader.GetGuid(0)] = (byte[])reader[1];
        }

        if (states.Count != sessions.Count)
        {
            throw new InvalidOperationException($"{sessions.Count - states.Count} of the group's {sessions.Count} session rows are missing after they were created");
        }

        return (states, held);
    }

    // One batch against its session's log as the group has it so far.
    private static StoreResult Decide(VerifiedBatch verified, SessionState state, Dictionary<Guid, byte[]> held, GroupWrites writes)
    {
        var batch = verified.Batch;
        if (held.TryGetValue(batch.BatchId, out var heldDigest))
        {
            if (heldDigest.AsSpan().SequenceEqual(verified.Digest))
            {
                return new StoreResult(StoreOutcome.Duplicate, "already held", heldDigest);
            }

            var detail = $"a different batch with id {batch.BatchId} (session {batch.SessionId}, tree size {batch.Checkpoint.TreeSize}) is already held";
            writes.Conflict(batch, verified.Digest, heldDigest, "conflicting-duplicate", detail);
            return new StoreResult(StoreOutcome.Conflict, detail, heldDigest);
        }

        var size = state.Range.Size;
        if (batch.FirstLeafIndex > size)
        {
            return new StoreResult(StoreOutcome.Gap, $"the batch starts at leaf {batch.FirstLeafIndex}, the session's log held here ends at {size}");
        }

        if (batch.FirstLeafIndex < size)
        {
            var detail = $"the batch starts at leaf {batch.FirstLeafIndex}, inside the session's log of {size} leaves, at a size none of its checkpoints has: the gateway's log forked";
            writes.Conflict(batch, verified.Digest, null, "fork", detail);
            return new StoreResult(StoreOutcome.Fork, detail);
        }

        if (batch.Checkpoint.EpochTime < state.LastEpochTime)
        {
            return new StoreResult(StoreOutcome.TimeReversed, $"epoch time {batch.Checkpoint.EpochTime} is before the session's previous {state.LastEpochTime}");
        }

        var range = state.Range.Clone();
        var nodes = new List<(MerkleNodeId Node, byte[] Hash)>();
        foreach (var leafHash in batch.LeafHashes)
        {
            range.Append(leafHash, (node, hash) =>
            {
                if (node.Level >= PostgresMerkleNodeStore.StrideLevel)
                {
                    nodes.Add((node, hash));
                }
            });
        }

        var root = range.Root();
        if (!root.AsSpan().SequenceEqual(batch.Checkpoint.Root))
        {
            return new StoreResult(StoreOutcome.RootMismatch,
                $"the records appended to the session's log of {size} leaves give root {Convert.ToHexStringLower(root)}, not the checkpoint's {Convert.ToHexStringLower(batch.Checkpoint.Root)}");
        }

        state.Range = range;
        state.Root = root;
        state.LastEpochTime = batch.Checkpoint.EpochTime;
        state.Batches++;
        held[batch.BatchId] = verified.Digest;
        writes.Store(state.Key, batch, verified.Digest, nodes);
        return new StoreResult(StoreOutcome.Stored, "stored");
    }

    // A session's log as the group has it so far.
    private sealed class SessionState(long key, CompactRange range, byte[] root, ulong lastEpochTime)
    {
        public long Key { get; } = key;

        public CompactRange Range { get; set; } = range;

        public byte[] Root { get; set; } = root;

        public ulong LastEpochTime { get; set; } = lastEpochTime;

        public int Batches { get; set; }
    }

    // What a group writes, collected while deciding and written after: one COPY and one batch of statements.
    private sealed class GroupWrites(string consumer)
    {
        private readonly List<(long Session, EvidenceBatch Batch)> _leaves = [];
        private readonly List<(long Session, short Level, long Index, byte[] Hash)> _nodes = [];
        private readonly List<(EvidenceBatch Batch, byte[] Digest)> _batches = [];
        private readonly List<(EvidenceBatch Batch, byte[] Digest, byte[]? Held, string Kind, string Reason)> _conflicts = [];
        private readonly List<(EvidenceBatch Batch, byte[] Digest, string Error, string Reason)> _refusals = [];

        public void Store(long session, EvidenceBatch batch, byte[] digest, List<(MerkleNodeId Node, byte[] Hash)> nodes)
        {
            _leaves.Add((session, batch));
            _batches.Add((batch, digest));
            _nodes.AddRange(nodes.Select(n => (session, (short)n.Node.Level, DbIds.Size(n.Node.Index), n.Hash)));
        }

        public void Conflict(EvidenceBatch batch, byte[] digest, byte[]? held, string kind, string reason) => _conflicts.Add((batch, digest, held, kind, reason));

        public void Refuse(EvidenceBatch batch, byte[] digest, EvidenceBatchError error, string reason) => _refusals.Add((batch, digest, error.ToString(), reason));

        public async Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<SessionState> sessions, CollectorMetrics metrics, CancellationToken cancellationToken)
        {
            var started = Stopwatch.GetTimestamp();
            if (_leaves.Count > 0)
            {
                await using var copy = await connection.BeginBinaryImportAsync("COPY leaves (session_id, leaf_index, leaf_hash, record) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
                foreach (var (session, batch) in _leaves)
                {
                    for (var i = 0; i < batch.LeafHashes.Count; i++)
                    {
                        await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
                        await copy.WriteAsync(session, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                        await copy.WriteAsync(DbIds.Size(batch.FirstLeafIndex + (ulong)i), NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                        await copy.WriteAsync(batch.LeafHashes[i], NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
                        await copy.WriteAsync(batch.SealedRecords[i], NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
                    }
                }

                await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
                metrics.StorePhase("copy", Stopwatch.GetElapsedTime(started));
            }

            await using var statements = new NpgsqlBatch(connection, transaction);
            if (_nodes.Count > 0)
            {
                // A node held already fails the transaction: written twice would mean two appends at one size.
                var nodes = new NpgsqlBatchCommand("INSERT INTO session_nodes (session_id, level, node_index, hash) SELECT * FROM unnest(@sessions, @levels, @indexes, @hashes)");
                nodes.Parameters.Add(Array("sessions", NpgsqlDbType.Bigint, _nodes.Select(n => n.Session)));
                nodes.Parameters.Add(Array("levels", NpgsqlDbType.Smallint, _nodes.Select(n => n.Level)));
                nodes.Parameters.Add(Array("indexes", NpgsqlDbType.Bigint, _nodes.Select(n => n.Index)));
                nodes.Parameters.Add(Array("hashes", NpgsqlDbType.Bytea, _nodes.Select(n => n.Hash)));
                statements.BatchCommands.Add(nodes);
            }

            if (_batches.Count > 0)
            {
                // In this order the batches get their accepted_seq: the sequencer's order.
                var insert = new NpgsqlBatchCommand(
                    "INSERT INTO batches (batch_id, digest, session_id, first_leaf_index, tree_size, root, epoch_time, capture_drops, checkpoint_signature, voucher, rejection, consumer) " +
                    "SELECT b.id, b.digest, b.session, b.first, b.size, b.root, b.epoch, b.drops, b.signature, b.voucher::jsonb, b.rejection::jsonb, @consumer " +
                    "FROM unnest(@ids, @digests, @sessions, @firsts, @sizes, @roots, @epochs, @drops, @signatures, @vouchers, @rejections) " +
                    "WITH ORDINALITY AS b(id, digest, session, first, size, root, epoch, drops, signature, voucher, rejection, n) ORDER BY b.n");
                insert.Parameters.Add(Array("ids", NpgsqlDbType.Uuid, _batches.Select(b => b.Batch.BatchId)));
                insert.Parameters.Add(Array("digests", NpgsqlDbType.Bytea, _batches.Select(b => b.Digest)));
                insert.Parameters.Add(Array("sessions", NpgsqlDbType.Bigint, _batches.Select(b => DbIds.Session(b.Batch.SessionId))));
                insert.Parameters.Add(Array("firsts", NpgsqlDbType.Bigint, _batches.Select(b => DbIds.Size(b.Batch.FirstLeafIndex))));
                insert.Parameters.Add(Array("sizes", NpgsqlDbType.Bigint, _batches.Select(b => DbIds.Size(b.Batch.Checkpoint.TreeSize))));
                insert.Parameters.Add(Array("roots", NpgsqlDbType.Bytea, _batches.Select(b => b.Batch.Checkpoint.Root)));
                insert.Parameters.Add(Array("epochs", NpgsqlDbType.Bigint, _batches.Select(b => DbIds.Size(b.Batch.Checkpoint.EpochTime))));
                insert.Parameters.Add(Array("drops", NpgsqlDbType.Bigint, _batches.Select(b => DbIds.Size(b.Batch.Checkpoint.CaptureDrops))));
                insert.Parameters.Add(Array("signatures", NpgsqlDbType.Bytea, _batches.Select(b => Signature(b.Batch.Checkpoint.Signature))));
                insert.Parameters.Add(Array("vouchers", NpgsqlDbType.Text, _batches.Select(b => b.Batch.Voucher is null ? null : JsonSerializer.Serialize(b.Batch.Voucher, Json))));
                insert.Parameters.Add(Array("rejections", NpgsqlDbType.Text, _batches.Select(b => b.Batch.Rejection is null ? null : JsonSerializer.Serialize(b.Batch.Rejection, Json))));
                insert.Parameters.AddWithValue("consumer", consumer);
                statements.BatchCommands.Add(insert);

                var moved = sessions.ToList();
                var update = new NpgsqlBatchCommand(
                    "UPDATE sessions s SET tree_size = u.size, root = u.root, compact_range = u.range, last_epoch_time = u.epoch, batches = s.batches + u.n, last_batch_at = now() " +
                    "FROM unnest(@ids, @sizes, @roots, @ranges, @epochs, @counts) AS u(id, size, root, range, epoch, n) WHERE s.session_id = u.id");
                update.Parameters.Add(Array("ids", NpgsqlDbType.Bigint, moved.Select(s => s.Key)));
                update.Parameters.Add(Array("sizes", NpgsqlDbType.Bigint, moved.Select(s => DbIds.Size(s.Range.Size))));
                update.Parameters.Add(Array("roots", NpgsqlDbType.Bytea, moved.Select(s => s.Root)));
                update.Parameters.Add(Array("ranges", NpgsqlDbType.Bytea, moved.Select(s => PackedRange.Pack(s.Range))));
                update.Parameters.Add(Array("epochs", NpgsqlDbType.Bigint, moved.Select(s => DbIds.Size(s.LastEpochTime))));
                update.Parameters.Add(Array("counts", NpgsqlDbType.Integer, moved.Select(s => s.Batches)));
                statements.BatchCommands.Add(update);
            }

            if (_conflicts.Count > 0)
            {
                var conflicts = new NpgsqlBatchCommand(
                    "INSERT INTO conflicts (batch_id, session_id, tree_size, digest, held_digest, kind, reason, batch) " +
                    "SELECT c.id, c.session, c.size, c.digest, c.held, c.kind, c.reason, c.batch::jsonb FROM unnest(@ids, @sessions, @sizes, @digests, @helds, @kinds, @reasons, @batches) " +
                    "AS c(id, session, size, digest, held, kind, reason, batch) ON CONFLICT (batch_id, digest) DO NOTHING");
                conflicts.Parameters.Add(Array("ids", NpgsqlDbType.Uuid, _conflicts.Select(c => c.Batch.BatchId)));
                conflicts.Parameters.Add(Array("sessions", NpgsqlDbType.Bigint, _conflicts.Select(c => DbIds.Session(c.Batch.SessionId))));
                conflicts.Parameters.Add(Array("sizes", NpgsqlDbType.Bigint, _conflicts.Select(c => DbIds.Size(c.Batch.Checkpoint.TreeSize))));
                conflicts.Parameters.Add(Array("digests", NpgsqlDbType.Bytea, _conflicts.Select(c => c.Digest)));
                conflicts.Parameters.Add(Array("helds", NpgsqlDbType.Bytea, _conflicts.Select(c => c.Held)));
                conflicts.Parameters.Add(Array("kinds", NpgsqlDbType.Text, _conflicts.Select(c => c.Kind)));
                conflicts.Parameters.Add(Array("reasons", NpgsqlDbType.Text, _conflicts.Select(c => c.Reason)));
                conflicts.Parameters.Add(Array("batches", NpgsqlDbType.Text, _conflicts.Select(c => JsonSerializer.Serialize(c.Batch, Json))));
                statements.BatchCommands.Add(conflicts);
            }

            if (_refusals.Count > 0)
            {
                var refusals = new NpgsqlBatchCommand(
                    "INSERT INTO rejections (batch_id, session_id, tree_size, digest, error, reason, consumer) " +
                    "SELECT r.id, r.session, r.size, r.digest, r.error, r.reason, @consumer FROM unnest(@ids, @sessions, @sizes, @digests, @errors, @reasons) " +
                    "AS r(id, session, size, digest, error, reason)");
                refusals.Parameters.Add(Array("ids", NpgsqlDbType.Uuid, _refusals.Select(r => r.Batch.BatchId)));
                refusals.Parameters.Add(Array("sessions", NpgsqlDbType.Bigint, _refusals.Select(r => DbIds.Session(r.Batch.SessionId))));
                refusals.Parameters.Add(Array("sizes", NpgsqlDbType.Bigint, _refusals.Select(r => unchecked((long)(r.Batch.Checkpoint?.TreeSize ?? 0)))));
                refusals.Parameters.Add(Array("digests", NpgsqlDbType.Bytea, _refusals.Select(r => r.Digest)));
                refusals.Parameters.Add(Array("errors", NpgsqlDbType.Text, _refusals.Select(r => r.Error)));
                refusals.Parameters.Add(Array("reasons", NpgsqlDbType.Text, _refusals.Select(r => r.Reason)));
                refusals.Parameters.AddWithValue("consumer", consumer);
                statements.BatchCommands.Add(refusals);
            }

            if (statements.BatchCommands.Count > 0)
            {
                await statements.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        private static NpgsqlParameter Array<T>(string name, NpgsqlDbType type, IEnumerable<T> values)
            => new(name, NpgsqlDbType.Array | type) { Value = values.ToArray() };
    }

    private static byte[] Signature(string hex) => Convert.FromHexString(hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? hex[2..] : hex);
}
