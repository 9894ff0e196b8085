using System.Diagnostics;
using System.Text.Json;
using EvidenceCollector.Log;
using Npgsql;
using NpgsqlTypes;
using Oracle.Core.Evidence;
using Oracle.Core.Merkle;

namespace EvidenceCollector.Ingestion;

/// <summary>
/// What a group writes (<see cref="EvidenceStore"/>), collected while deciding and written after, in its transaction: one
/// binary COPY of the records and one round trip of <c>unnest</c> statements for the rest.
/// </summary>
internal sealed class GroupWrites(string consumer)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly List<(long Session, EvidenceBatch Batch)> _leaves = [];
    private readonly List<(long Session, short Level, long Index, byte[] Hash)> _nodes = [];
    private readonly List<(EvidenceBatch Batch, byte[] Digest)> _batches = [];
    private readonly List<(EvidenceBatch Batch, byte[] Digest, byte[]? Held, string Kind, string Reason)> _conflicts = [];
    private readonly List<(EvidenceBatch Batch, byte[] Digest, string Error, string Reason)> _refusals = [];

    /// <summary>A batch stored, with the subtrees it completes.</summary>
    public void Store(long session, EvidenceBatch batch, byte[] digest, List<(MerkleNodeId Node, byte[] Hash)> nodes)
    {
        _leaves.Add((session, batch));
        _batches.Add((batch, digest));
        _nodes.AddRange(nodes.Select(n => (session, (short)n.Node.Level, DbIds.Size(n.Node.Index), n.Hash)));
    }

    /// <summary>A batch kept as a conflict.</summary>
    public void Conflict(EvidenceBatch batch, byte[] digest, byte[]? held, string kind, string reason) => _conflicts.Add((batch, digest, held, kind, reason));

    /// <summary>A refused batch's reason.</summary>
    public void Refuse(EvidenceBatch batch, byte[] digest, EvidenceBatchError error, string reason) => _refusals.Add((batch, digest, error.ToString(), reason));

    /// <summary>Writes everything collected, on <paramref name="connection"/> in <paramref name="transaction"/>.</summary>
    public async Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<SessionLogState> sessions, CollectorMetrics metrics, CancellationToken cancellationToken)
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

    private static byte[] Signature(string hex) => Convert.FromHexString(hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? hex[2..] : hex);
}
