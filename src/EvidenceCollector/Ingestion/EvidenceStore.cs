using System.Diagnostics;
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

        var touched = new Dictionary<long, SessionLogState>();
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
    private async Task<(Dictionary<long, SessionLogState> States, Dictionary<Guid, byte[]> Held)> LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
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

        var states = new Dictionary<long, SessionLogState>();
        var held = new Dictionary<Guid, byte[]>();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var key = reader.GetInt64(0);
            var size = (ulong)reader.GetInt64(1);
            var root = (byte[])reader[2];
            var packed = reader.IsDBNull(4) ? compared[key].PackedRange : (byte[])reader[4];
            states[key] = new SessionLogState(key, PackedRange.Unpack(size, packed), root, (ulong)reader.GetInt64(3));
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
    private static StoreResult Decide(VerifiedBatch verified, SessionLogState state, Dictionary<Guid, byte[]> held, GroupWrites writes)
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

}
