using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using EvidenceCollector.Log;
using Oracle.Core.Evidence;
using Oracle.Core.Merkle;
using Oracle.Storage;

namespace EvidenceCollector.Ingestion;

/// <summary>
/// Stores verified batches in PostgreSQL, once each, in one transaction per batch: the session's row is locked (so
/// batches of one session are stored one after the other, by any number of collector processes), the batch must
/// continue the session's log exactly where it ends and give the checkpoint's root from the log's stored compact
/// range, and then the records and their leaf hashes (binary COPY), the subtrees they complete, the batch and the
/// session's new head are written. A batch held already is a duplicate (same digest) or a conflict (another digest:
/// kept whole in <c>conflicts</c>, never stored as evidence).
/// </summary>
internal sealed class EvidenceStore(OracleDatabase database, CollectorInstance instance)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Stores <paramref name="batch"/>, whose signatures and parties were checked, with its <paramref name="leafHashes"/>.</summary>
    /// <param name="batch">The verified batch.</param>
    /// <param name="digest">Its <see cref="EvidenceBatchDigest"/>.</param>
    /// <param name="leafHashes">The leaf hash of each record, in order.</param>
    /// <param name="records">What is stored for each record (opaque bytes, served as they are).</param>
    /// <param name="session">The session as opened on-chain.</param>
    /// <param name="cancellationToken">Cancels the store (nothing is written unless it committed).</param>
    public async Task<StoreResult> StoreAsync(EvidenceBatch batch, byte[] digest, IReadOnlyList<byte[]> leafHashes, IReadOnlyList<byte[]> records,
        OnChainSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var sessionKey = DbIds.Session(batch.SessionId);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        await using (var ensure = new NpgsqlCommand(
            "INSERT INTO sessions (session_id, gateway, client, opened_at, root, compact_range) VALUES (@session, @gateway, @client, @opened, @root, ''::bytea) ON CONFLICT DO NOTHING",
            connection, transaction))
        {
            ensure.Parameters.AddWithValue("session", sessionKey);
            ensure.Parameters.AddWithValue("gateway", session.Provider.ToLowerInvariant());
            ensure.Parameters.AddWithValue("client", session.Client.ToLowerInvariant());
            ensure.Parameters.AddWithValue("opened", (long)session.OpenedAt);
            ensure.Parameters.AddWithValue("root", MerkleHash.EmptyRoot.ToArray());
            await ensure.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        ulong size;
        byte[] packed;
        ulong lastEpochTime;
        await using (var lockSession = new NpgsqlCommand(
            "SELECT tree_size, compact_range, last_epoch_time FROM sessions WHERE session_id = @session FOR UPDATE", connection, transaction))
        {
            lockSession.Parameters.AddWithValue("session", sessionKey);
            await using var reader = await lockSession.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            size = (ulong)reader.GetInt64(0);
            packed = (byte[])reader[1];
            lastEpochTime = (ulong)reader.GetInt64(2);
        }

        // Held already? (Under the session's lock: a concurrent delivery of the same batch waits above.)
        byte[]? held = null;
        await using (var existing = new NpgsqlCommand("SELECT digest FROM batches WHERE batch_id = @id", connection, transaction))
        {
            existing.Parameters.AddWithValue("id", batch.BatchId);
            held = await existing.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as byte[];
        }

        if (held is not null)
        {
            if (held.AsSpan().SequenceEqual(digest))
            {
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                return new StoreResult(StoreOutcome.Duplicate, "already held", held);
            }

            var detail = $"a different batch with id {batch.BatchId} (session {batch.SessionId}, tree size {batch.Checkpoint.TreeSize}) is already held";
            await KeepConflictAsync(connection, transaction, batch, digest, held, "conflicting-duplicate", detail, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new StoreResult(StoreOutcome.Conflict, detail, held);
        }

        if (batch.FirstLeafIndex > size)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return new StoreResult(StoreOutcome.Gap, $"the batch starts at leaf {batch.FirstLeafIndex}, the session's log held here ends at {size}");
        }

        if (batch.FirstLeafIndex < size)
        {
            var detail = $"the batch starts at leaf {batch.FirstLeafIndex}, inside the session's log of {size} leaves, at a size none of its checkpoints has: the gateway's log forked";
            await KeepConflictAsync(connection, transaction, batch, digest, null, "fork", detail, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new StoreResult(StoreOutcome.Fork, detail);
        }

        if (batch.Checkpoint.EpochTime < lastEpochTime)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return new StoreResult(StoreOutcome.TimeReversed, $"epoch time {batch.Checkpoint.EpochTime} is before the session's previous {lastEpochTime}");
        }

        var range = PackedRange.Unpack(size, packed);
        var nodes = new List<MerkleNodeId>();
        var nodeHashes = new List<byte[]>();
        foreach (var leafHash in leafHashes)
        {
            range.Append(leafHash, (node, hash) =>
            {
                if (node.Level >= PostgresMerkleNodeStore.StrideLevel)
                {
                    nodes.Add(node);
                    nodeHashes.Add(hash);
                }
            });
        }

        var root = range.Root();
        if (!root.AsSpan().SequenceEqual(batch.Checkpoint.Root))
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return new StoreResult(StoreOutcome.RootMismatch,
                $"the records appended to the session's log of {size} leaves give root {Convert.ToHexStringLower(root)}, not the checkpoint's {Convert.ToHexStringLower(batch.Checkpoint.Root)}");
        }

        await using (var copy = await connection.BeginBinaryImportAsync("COPY leaves (session_id, leaf_index, leaf_hash, record) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false))
        {
            for (var i = 0; i < leafHashes.Count; i++)
            {
                await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(sessionKey, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(DbIds.Size(batch.FirstLeafIndex + (ulong)i), NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(leafHashes[i], NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(records[i], NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
            }

            await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        if (nodes.Count > 0)
        {
            var packedNodes = new byte[nodes.Count * MerkleHash.Size];
            for (var i = 0; i < nodeHashes.Count; i++)
            {
                nodeHashes[i].CopyTo(packedNodes, i * MerkleHash.Size);
            }

            await new PostgresMerkleNodeStore(connection, transaction, MerkleTables.Session(batch.SessionId)).WriteAsync(nodes, packedNodes, cancellationToken).ConfigureAwait(false);
        }

        await using (var insert = new NpgsqlCommand(
            "INSERT INTO batches (batch_id, digest, session_id, first_leaf_index, tree_size, root, epoch_time, capture_drops, checkpoint_signature, voucher, rejection, consumer) " +
            "VALUES (@id, @digest, @session, @first, @size, @root, @epoch, @drops, @signature, @voucher, @rejection, @consumer); " +
            "UPDATE sessions SET tree_size = @size, root = @root, compact_range = @range, last_epoch_time = @epoch, batches = batches + 1, last_batch_at = now() WHERE session_id = @session",
            connection, transaction))
        {
            insert.Parameters.AddWithValue("id", batch.BatchId);
            insert.Parameters.AddWithValue("digest", digest);
            insert.Parameters.AddWithValue("session", sessionKey);
            insert.Parameters.AddWithValue("first", DbIds.Size(batch.FirstLeafIndex));
            insert.Parameters.AddWithValue("size", DbIds.Size(batch.Checkpoint.TreeSize));
            insert.Parameters.AddWithValue("root", batch.Checkpoint.Root);
            insert.Parameters.AddWithValue("epoch", DbIds.Size(batch.Checkpoint.EpochTime));
            insert.Parameters.AddWithValue("drops", DbIds.Size(batch.Checkpoint.CaptureDrops));
            insert.Parameters.AddWithValue("signature", Signature(batch.Checkpoint.Signature));
            insert.Parameters.Add(new NpgsqlParameter("voucher", NpgsqlDbType.Jsonb) { Value = batch.Voucher is null ? DBNull.Value : JsonSerializer.Serialize(batch.Voucher, Json) });
            insert.Parameters.Add(new NpgsqlParameter("rejection", NpgsqlDbType.Jsonb) { Value = batch.Rejection is null ? DBNull.Value : JsonSerializer.Serialize(batch.Rejection, Json) });
            insert.Parameters.AddWithValue("consumer", instance.Name);
            insert.Parameters.AddWithValue("range", PackedRange.Pack(range));
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new StoreResult(StoreOutcome.Stored, "stored");
    }

    /// <summary>Keeps a refused batch's reason (the batch itself goes to the rejected-batches queue).</summary>
    public async Task RecordRejectionAsync(EvidenceBatch batch, byte[] digest, EvidenceBatchError error, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "INSERT INTO rejections (batch_id, session_id, tree_size, digest, error, reason, consumer) VALUES (@id, @session, @size, @digest, @error, @reason, @consumer)", connection);
        command.Parameters.AddWithValue("id", batch.BatchId);
        command.Parameters.AddWithValue("session", DbIds.Session(batch.SessionId));
        command.Parameters.AddWithValue("size", unchecked((long)(batch.Checkpoint?.TreeSize ?? 0)));
        command.Parameters.AddWithValue("digest", digest);
        command.Parameters.AddWithValue("error", error.ToString());
        command.Parameters.AddWithValue("reason", reason);
        command.Parameters.AddWithValue("consumer", instance.Name);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task KeepConflictAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, EvidenceBatch batch, byte[] digest, byte[]? held, string kind, string reason, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "INSERT INTO conflicts (batch_id, session_id, tree_size, digest, held_digest, kind, reason, batch) VALUES (@id, @session, @size, @digest, @held, @kind, @reason, @batch) " +
            "ON CONFLICT (batch_id, digest) DO NOTHING", connection, transaction);
        command.Parameters.AddWithValue("id", batch.BatchId);
        command.Parameters.AddWithValue("session", DbIds.Session(batch.SessionId));
        command.Parameters.AddWithValue("size", DbIds.Size(batch.Checkpoint.TreeSize));
        command.Parameters.AddWithValue("digest", digest);
        command.Parameters.Add(new NpgsqlParameter("held", NpgsqlDbType.Bytea) { Value = (object?)held ?? DBNull.Value });
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.AddWithValue("reason", reason);
        command.Parameters.Add(new NpgsqlParameter("batch", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(batch, Json) });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static byte[] Signature(string hex) => Convert.FromHexString(hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? hex[2..] : hex);
}
