using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Oracle.Core.Merkle;
using Oracle.Storage;

namespace EvidenceCollector.Log;

/// <summary>
/// Turns accepted batches into leaves of the global log, in acceptance order, without gaps: one step locks the head
/// row, takes the oldest batches without an index, gives them the next indexes, writes their leaves and the subtrees
/// they complete, signs the new checkpoint and moves the head by compare-and-swap on its size, all in one transaction.
/// Two sequencers can never both extend one size: the head row serializes them and the swap fails for the second (the
/// leadership lease makes that rare; the swap makes it harmless).
/// </summary>
internal sealed class Sequencer(OracleDatabase database, LogIdentity identity, CollectorMetrics metrics, ILogger<Sequencer> logger)
{
    /// <summary>Creates the empty log's head unless there is one (the first leader does it).</summary>
    public async Task InitializeAsync(string sequencer, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var empty = MerkleHash.EmptyRoot.ToArray();
        var note = identity.Sign(0, empty);
        await using var command = new NpgsqlCommand(
            "INSERT INTO log_head (tree_size, root, compact_range, checkpoint, sequencer) VALUES (0, @root, ''::bytea, @note, @sequencer) ON CONFLICT DO NOTHING; " +
            "INSERT INTO checkpoints (tree_size, root, checkpoint) VALUES (0, @root, @note) ON CONFLICT DO NOTHING", connection);
        command.Parameters.AddWithValue("root", empty);
        command.Parameters.AddWithValue("note", note);
        command.Parameters.AddWithValue("sequencer", sequencer);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sequences up to <paramref name="maxLeaves"/> accepted batches.</summary>
    /// <param name="sequencer">This process's name (kept with the head).</param>
    /// <param name="maxLeaves">The most leaves one step appends.</param>
    /// <param name="cancellationToken">Cancels the step (its transaction is rolled back).</param>
    /// <returns>How many leaves were appended (0: nothing was waiting), and the new head.</returns>
    /// <exception cref="SequencerConflictException">Another sequencer moved the head meanwhile (nothing was written).</exception>
    public async Task<(int Appended, LogHead? Head)> StepAsync(string sequencer, int maxLeaves, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var head = await ReadHeadAsync(connection, transaction, forUpdate: true, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("the global log has no head row: InitializeAsync was not called");

        var batches = new List<(Guid Id, long Session, long TreeSize, byte[] Root, long EpochTime, long CaptureDrops, byte[] Signature)>();
        await using (var select = new NpgsqlCommand(
            "SELECT batch_id, session_id, tree_size, root, epoch_time, capture_drops, checkpoint_signature FROM batches " +
            "WHERE log_index IS NULL ORDER BY accepted_seq LIMIT @max", connection, transaction))
        {
            select.Parameters.AddWithValue("max", maxLeaves);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                batches.Add((reader.GetGuid(0), reader.GetInt64(1), reader.GetInt64(2), (byte[])reader[3], reader.GetInt64(4), reader.GetInt64(5), (byte[])reader[6]));
            }
        }

        if (batches.Count == 0)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return (0, head);
        }

        var range = head.Range.Clone();
        var nodes = new List<MerkleNodeId>();
        var nodeHashes = new List<byte[]>();
        var ids = new Guid[batches.Count];
        var indexes = new long[batches.Count];
        await using (var copy = await connection.BeginBinaryImportAsync("COPY log_leaves (leaf_index, leaf_hash, leaf, batch_id) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false))
        {
            for (var i = 0; i < batches.Count; i++)
            {
                var b = batches[i];
                var leaf = CheckpointLeafEncoding.Encode(identity.ChainId, identity.SessionManagerBytes, DbIds.Session(b.Session), (ulong)b.TreeSize, b.Root,
                    (ulong)b.EpochTime, (ulong)b.CaptureDrops, b.Signature);
                var leafHash = MerkleHash.Leaf(leaf);
                var index = range.Size;
                range.Append(leafHash, (node, hash) =>
                {
                    if (node.Level >= PostgresMerkleNodeStore.StrideLevel)
                    {
                        nodes.Add(node);
                        nodeHashes.Add(hash);
                    }
                });
                ids[i] = b.Id;
                indexes[i] = DbIds.Size(index);
                await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(indexes[i], NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(leafHash, NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(leaf, NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
                await copy.WriteAsync(b.Id, NpgsqlDbType.Uuid, cancellationToken).ConfigureAwait(false);
            }

            await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var assign = new NpgsqlCommand(
            "UPDATE batches SET log_index = v.log_index FROM unnest(@ids, @indexes) AS v(batch_id, log_index) " +
            "WHERE batches.batch_id = v.batch_id AND batches.log_index IS NULL", connection, transaction))
        {
            assign.Parameters.AddWithValue("ids", ids);
            assign.Parameters.AddWithValue("indexes", indexes);
            var assigned = await assign.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (assigned != batches.Count)
            {
                throw new SequencerConflictException($"{batches.Count - assigned} of {batches.Count} batches were sequenced by another sequencer meanwhile");
            }
        }

        if (nodes.Count > 0)
        {
            var packed = new byte[nodes.Count * MerkleHash.Size];
            for (var i = 0; i < nodeHashes.Count; i++)
            {
                nodeHashes[i].CopyTo(packed, i * MerkleHash.Size);
            }

            await new PostgresMerkleNodeStore(connection, transaction, MerkleTables.Global).WriteAsync(nodes, packed, cancellationToken).ConfigureAwait(false);
        }

        var root = range.Root();
        var note = identity.Sign(range.Size, root);
        await using (var swap = new NpgsqlCommand(
            "UPDATE log_head SET tree_size = @size, root = @root, compact_range = @range, checkpoint = @note, sequencer = @sequencer, updated_at = now() " +
            "WHERE tree_size = @previous", connection, transaction))
        {
            swap.Parameters.AddWithValue("size", DbIds.Size(range.Size));
            swap.Parameters.AddWithValue("root", root);
            swap.Parameters.AddWithValue("range", PackedRange.Pack(range));
            swap.Parameters.AddWithValue("note", note);
            swap.Parameters.AddWithValue("sequencer", sequencer);
            swap.Parameters.AddWithValue("previous", DbIds.Size(head.TreeSize));
            if (await swap.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
            {
                throw new SequencerConflictException($"the head moved from {head.TreeSize} leaves while this step appended to it");
            }
        }

        await using (var checkpoint = new NpgsqlCommand("INSERT INTO checkpoints (tree_size, root, checkpoint) VALUES (@size, @root, @note)", connection, transaction))
        {
            checkpoint.Parameters.AddWithValue("size", DbIds.Size(range.Size));
            checkpoint.Parameters.AddWithValue("root", root);
            checkpoint.Parameters.AddWithValue("note", note);
            await checkpoint.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        metrics.LeavesSequenced(batches.Count, range.Size, watch.Elapsed);
        logger.LogDebug("sequenced {Count} leaves: global log {Size} leaves, root {Root}", batches.Count, range.Size, Convert.ToHexStringLower(root));
        return (batches.Count, new LogHead(range.Size, root, range, note));
    }

    /// <summary>Reads the head row (locking it for this transaction when <paramref name="forUpdate"/>), or null before the first start.</summary>
    public static async Task<LogHead?> ReadHeadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, bool forUpdate, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT tree_size, root, compact_range, checkpoint FROM log_head" + (forUpdate ? " FOR UPDATE" : ""), connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var size = (ulong)reader.GetInt64(0);
        return new LogHead(size, (byte[])reader[1], PackedRange.Unpack(size, (byte[])reader[2]), reader.GetString(3));
    }
}
