using System.Collections.Concurrent;
using System.Text.Json;
using EvidenceCollector.Ingestion;
using Microsoft.Extensions.Options;
using Nethereum.Contracts;
using EvidenceCollector.Log;
using Npgsql;
using Oracle.Chain;
using Oracle.Chain.Contracts;
using Oracle.Chain.Contracts.EvidenceRegistry;
using Oracle.Chain.Deployment;
using Oracle.Chain.Evidence;
using Oracle.Core.Evidence;
using Oracle.Core.Merkle;
using Oracle.Core.Proofs;
using Oracle.Storage;

namespace EvidenceCollector.Proofs;

/// <summary>
/// Answers the read API from the store: a session's checkpoints and vouchers, a record with its inclusion proof in its
/// session log, a session checkpoint with its inclusion proof in the global log at an anchored size, consistency
/// proofs, anchors. Every proof is checked (RFC 9162 verification, Oracle.Core's <see cref="MerkleProofs"/>) against
/// the root it claims before it is returned; a proof that does not hold is a 500, never an answer.
/// </summary>
internal sealed class ProofService(OracleDatabase database, IOptions<DatabaseOptions> databaseOptions, LogReader log, LogIdentity identity, ChainContext chain,
    RegistryAnchors registryAnchors, SessionHeadCache heads, CollectorMetrics metrics) : IAsyncDisposable
{
    private const int MaxRememberedSizes = 100_000;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // Record proofs read on connections of their own: statements prepared after their second use (a proof's statements
    // are the same every time), and no DISCARD ALL when a connection goes back to the pool (these reads take no lock
    // and set nothing; the ingestion's and the sequencer's connections keep the reset).
    private readonly NpgsqlDataSource _reads = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(databaseOptions.Value.ConnectionString)
    {
        SearchPath = database.Schema,
        NoResetOnClose = true,
        MaxAutoPrepare = 32,
        AutoPrepareMinUsages = 2,
    }.ConnectionString).Build();

    // The size of the checkpoint each session's last record proof without a size was given under: the next one's nodes
    // are read with its checkpoint, in the same round trip, when it is the same size.
    private readonly ConcurrentDictionary<ulong, ulong> _provenSizes = new();

    /// <summary>The global log: identity, latest signed checkpoint and latest anchor.</summary>
    public async Task<ProofAnswer<LogView>> LogAsync(CancellationToken cancellationToken)
    {
        var head = await log.HeadAsync(cancellationToken);
        if (head is null)
        {
            return ProofProblem.NotYet("the global log has no checkpoint yet (no sequencer has started)");
        }

        var anchors = await AnchorsAsync(cancellationToken);
        return new LogView(identity.Origin, identity.LogId, identity.Key.VerifierKey, identity.ChainId, identity.SessionManager,
            chain.AddressOf(ContractNames.EvidenceRegistry), identity.Collector, head.TreeSize, head.Root, head.Checkpoint, anchors.LastOrDefault());
    }

    /// <summary>The log's anchors, oldest first.</summary>
    public async Task<List<LogAnchor>> AnchorsAsync(CancellationToken cancellationToken)
    {
        var anchors = new List<LogAnchor>();
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT tree_size, root, block_number, transaction_hash FROM anchors WHERE state = 'anchored' ORDER BY tree_size", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            anchors.Add(new LogAnchor
            {
                LogId = identity.LogId,
                Collector = identity.Collector,
                TreeSize = (ulong)reader.GetInt64(0),
                Root = (byte[])reader[1],
                AnchorIndex = (uint)anchors.Count + 1,
                BlockNumber = reader.IsDBNull(2) ? 0 : (ulong)reader.GetInt64(2),
                TransactionHash = reader.IsDBNull(3) ? "" : reader.GetString(3),
            });
        }

        return anchors;
    }

    /// <summary>A session's evidence summary.</summary>
    public async Task<ProofAnswer<SessionView>> SessionAsync(ulong sessionId, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT gateway, client, tree_size, root, batches, records_pruned_at IS NOT NULL FROM sessions WHERE session_id = @s", connection);
        command.Parameters.AddWithValue("s", DbIds.Session(sessionId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return ProofProblem.NotFound($"no evidence of session {sessionId} is held here");
        }

        return new SessionView(sessionId, reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), (ulong)reader.GetInt64(2), (byte[])reader[3],
            reader.GetInt32(4), reader.GetBoolean(5));
    }

    /// <summary>A session's checkpoints with their vouchers, in log order.</summary>
    public async Task<ProofAnswer<List<SessionCheckpoint>>> CheckpointsAsync(ulong sessionId, CancellationToken cancellationToken)
    {
        var checkpoints = await ReadCheckpointsAsync(sessionId, null, cancellationToken);
        return checkpoints.Count == 0 ? ProofProblem.NotFound($"no evidence of session {sessionId} is held here") : checkpoints;
    }

    /// <summary>
    /// Record <paramref name="leafIndex"/> of a session with its inclusion proof under the checkpoint of
    /// <paramref name="treeSize"/> leaves (default: the latest checkpoint with a voucher that covers it, else the latest).
    /// </summary>
    public async Task<ProofAnswer<SessionRecordProof>> RecordAsync(ulong sessionId, ulong leafIndex, ulong? treeSize, CancellationToken cancellationToken)
    {
        if (leafIndex > long.MaxValue || treeSize > long.MaxValue)
        {
            return ProofProblem.NotFound($"session {sessionId}'s log has no leaf {leafIndex}");
        }

        // One round trip: the checkpoint to prove under, the session's size, the leaf and the proof's nodes for the size
        // that checkpoint is expected to have (the one asked for; else the last one proven under, or the session's head as
        // this process stored it). A second round trip reads the nodes only when the checkpoint has another size.
        var planned = treeSize ?? (_provenSizes.TryGetValue(sessionId, out var proven) ? proven : heads.Get(DbIds.Session(sessionId))?.Size);
        var prefetch = planned is { } p && p > leafIndex && p <= long.MaxValue
            ? new MerkleNodeRead(MerkleTables.Session(sessionId), StoredMerkleTree.InclusionProofNodes(leafIndex, p))
            : null;
        await using var connection = await _reads.OpenConnectionAsync(cancellationToken);
        SessionCheckpoint? checkpoint = null;
        long? latest = null;
        byte[]? leafHash = null;
        byte[]? record = null;
        await using (var batch = new NpgsqlBatch(connection))
        {
            // The checkpoint asked for, or the latest one covering the leaf that the client paid for (a voucher), else the latest covering it.
            var chosen = new NpgsqlBatchCommand(CheckpointColumns + "FROM batches WHERE session_id = @s AND " +
                (treeSize is null ? "tree_size > @i ORDER BY (voucher IS NOT NULL) DESC, tree_size DESC LIMIT 1" : "tree_size = @size"));
            chosen.Parameters.AddWithValue("s", DbIds.Session(sessionId));
            chosen.Parameters.AddWithValue("i", DbIds.Size(leafIndex));
            chosen.Parameters.AddWithValue("size", DbIds.Size(treeSize ?? 0));
            batch.BatchCommands.Add(chosen);
            var size = new NpgsqlBatchCommand("SELECT max(tree_size) FROM batches WHERE session_id = @s");
            size.Parameters.AddWithValue("s", DbIds.Session(sessionId));
            batch.BatchCommands.Add(size);
            var leaf = new NpgsqlBatchCommand("SELECT leaf_hash, record FROM leaves WHERE session_id = @s AND leaf_index = @i");
            leaf.Parameters.AddWithValue("s", DbIds.Session(sessionId));
            leaf.Parameters.AddWithValue("i", DbIds.Size(leafIndex));
            batch.BatchCommands.Add(leaf);
            prefetch?.AddTo(batch);
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                checkpoint = ReadCheckpoint(reader);
            }

            await reader.NextResultAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken) && !reader.IsDBNull(0))
            {
                latest = reader.GetInt64(0);
            }

            await reader.NextResultAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                leafHash = (byte[])reader[0];
                record = reader.IsDBNull(1) ? null : (byte[])reader[1];
            }

            if (prefetch is { ResultSets: > 0 })
            {
                await reader.NextResultAsync(cancellationToken);
                await prefetch.ReadResultsAsync(reader, cancellationToken);
            }
        }

        if (latest is null)
        {
            return ProofProblem.NotFound($"no evidence of session {sessionId} is held here");
        }

        if (checkpoint is null)
        {
            return treeSize is null
                ? ProofProblem.NotFound($"session {sessionId}'s log has {latest} leaves; there is no leaf {leafIndex}")
                : ProofProblem.NotFound($"session {sessionId} has no checkpoint of {treeSize} leaves");
        }

        if (checkpoint.Checkpoint.TreeSize <= leafIndex)
        {
            return ProofProblem.BadRequest($"leaf {leafIndex} is not in the checkpoint of {checkpoint.Checkpoint.TreeSize} leaves");
        }

        if (leafHash is null)
        {
            throw new InvalidDataException($"leaf {leafIndex} of session {sessionId} is missing from the store (its checkpoint of {checkpoint.Checkpoint.TreeSize} leaves is held): run evidence-collector audit");
        }

        var prefetched = prefetch is not null && planned == checkpoint.Checkpoint.TreeSize;
        IMerkleNodeStore nodes = prefetched ? prefetch! : new PostgresMerkleNodeStore(connection, null, MerkleTables.Session(sessionId));
        var proof = await new StoredMerkleTree(nodes).InclusionProofAsync(leafIndex, checkpoint.Checkpoint.TreeSize, cancellationToken);
        if (treeSize is null)
        {
            if (_provenSizes.Count > MaxRememberedSizes)
            {
                _provenSizes.Clear();
            }

            _provenSizes[sessionId] = checkpoint.Checkpoint.TreeSize;
        }

        if (!MerkleProofs.VerifyInclusion(leafHash, leafIndex, checkpoint.Checkpoint.TreeSize, proof, checkpoint.Checkpoint.Root))
        {
            throw new InvalidDataException($"the stored log of session {sessionId} does not prove leaf {leafIndex} under its checkpoint of {checkpoint.Checkpoint.TreeSize} leaves: run evidence-collector audit");
        }

        metrics.Add(CollectorCounters.ProofsServed, reason: "record");
        metrics.Add(CollectorCounters.ProofRoundTrips, prefetched ? 1 : 2, reason: "record");
        return new SessionRecordProof
        {
            ChainId = identity.ChainId,
            SessionManager = identity.SessionManager,
            SessionId = sessionId,
            LeafIndex = leafIndex,
            LeafHash = leafHash,
            SealedRecord = record ?? [],
            InclusionProof = proof,
            Checkpoint = checkpoint.Checkpoint,
            Voucher = checkpoint.Voucher,
        };
    }

    /// <summary>
    /// The session checkpoint of <paramref name="treeSize"/> leaves as a leaf of the global log, with its inclusion proof
    /// at the anchored size <paramref name="anchoredSize"/> (default: the latest anchor).
    /// </summary>
    public async Task<ProofAnswer<CheckpointInclusionProof>> CheckpointInclusionAsync(ulong sessionId, ulong treeSize, ulong? anchoredSize, CancellationToken cancellationToken)
    {
        var found = treeSize > long.MaxValue ? [] : await ReadCheckpointsAsync(sessionId, treeSize, cancellationToken);
        if (found.Count == 0)
        {
            return ProofProblem.NotFound($"session {sessionId} has no checkpoint of {treeSize} leaves held here");
        }

        if (found[0].LogIndex is not { } index)
        {
            return ProofProblem.NotYet($"the checkpoint of {treeSize} leaves of session {sessionId} is not in the global log yet (the sequencer appends it within seconds)");
        }

        var anchors = await AnchorsAsync(cancellationToken);
        var anchor = anchoredSize is { } wanted ? anchors.FirstOrDefault(a => a.TreeSize == wanted) : anchors.LastOrDefault();
        if (anchor is null)
        {
            return anchoredSize is null
                ? ProofProblem.NotYet("the global log is not anchored yet")
                : ProofProblem.NotFound($"the global log was never anchored at {anchoredSize} leaves (GET /v1/log/anchors lists the anchors)");
        }

        if (anchor.TreeSize <= index)
        {
            return ProofProblem.NotYet($"the checkpoint is leaf {index} of the global log; the anchor at {anchor.TreeSize} leaves does not cover it yet (a later anchor will)");
        }

        byte[] leaf;
        await using (var connection = await database.DataSource.OpenConnectionAsync(cancellationToken))
        await using (var command = new NpgsqlCommand("SELECT leaf FROM log_leaves WHERE leaf_index = @i", connection))
        {
            command.Parameters.AddWithValue("i", DbIds.Size(index));
            leaf = (byte[])(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        var proof = await log.InclusionProofAsync(MerkleTables.Global, index, anchor.TreeSize, cancellationToken);
        if (!MerkleProofs.VerifyInclusion(MerkleHash.Leaf(leaf), index, anchor.TreeSize, proof, anchor.Root))
        {
            throw new InvalidDataException($"the stored global log does not prove leaf {index} under the anchored root at {anchor.TreeSize} leaves: run evidence-collector audit");
        }

        metrics.Add(CollectorCounters.ProofsServed, reason: "checkpoint");
        return new CheckpointInclusionProof { LogId = identity.LogId, Leaf = leaf, LeafIndex = index, TreeSize = anchor.TreeSize, InclusionProof = proof, Anchor = anchor };
    }

    /// <summary>
    /// The EvidenceRegistry call that checks <paramref name="inclusion"/> on-chain, built from the anchors the registry
    /// holds now, and made once here to see that it answers true.
    /// </summary>
    public async Task<ProofAnswer<RegistryCall>> RegistryCallAsync(CheckpointInclusionProof inclusion, CancellationToken cancellationToken)
    {
        var registry = chain.AddressOf(ContractNames.EvidenceRegistry);
        // Followed incrementally (only the blocks not read yet), checked against the registry's hash chain on every call.
        var anchors = await registryAnchors.AnchorsAsync(cancellationToken);
        var position = -1;
        for (var i = 0; i < anchors.Count; i++)
        {
            if (anchors[i].TreeSize == inclusion.TreeSize)
            {
                position = i;
            }
        }

        if (position < 0 || !anchors[position].Root.AsSpan().SequenceEqual(inclusion.Anchor!.Root))
        {
            return ProofProblem.NotYet($"the registry does not hold the anchor of {inclusion.TreeSize} leaves with this root yet");
        }

        var function = new VerifyInclusionFunction
        {
            LogId = identity.LogId,
            Proof = AnchorChain.Proof(anchors, position),
            Index = 0,
            LeafIndex = inclusion.LeafIndex,
            LeafHash = MerkleHash.Leaf(inclusion.Leaf),
            AuditPath = [.. inclusion.InclusionProof],
        };
        var service = new EvidenceRegistryService(chain.Web3, registry);
        if (!await service.VerifyInclusionQueryAsync(function.LogId, function.Proof, function.Index, function.LeafIndex, function.LeafHash, function.AuditPath, null, cancellationToken))
        {
            throw new InvalidDataException($"the EvidenceRegistry does not verify leaf {inclusion.LeafIndex} at {inclusion.TreeSize} leaves: run evidence-collector audit");
        }

        return new RegistryCall(registry, "0x" + Convert.ToHexStringLower(function.GetCallData()), (uint)anchors.Count, function.LeafHash);
    }

    /// <summary>The consistency proof between two sizes the collector signed (default second: the latest).</summary>
    public async Task<ProofAnswer<LogConsistencyProof>> ConsistencyAsync(ulong first, ulong? second, CancellationToken cancellationToken)
    {
        var head = await log.HeadAsync(cancellationToken);
        var size2 = second ?? head?.TreeSize ?? 0;
        if (head is null || size2 > head.TreeSize)
        {
            return ProofProblem.NotFound($"the global log has {head?.TreeSize ?? 0} leaves");
        }

        if (first > size2)
        {
            return ProofProblem.BadRequest($"first ({first}) is larger than second ({size2})");
        }

        var root1 = await log.RootAsync(MerkleTables.Global, first, cancellationToken);
        var root2 = size2 == head.TreeSize ? head.Root : await log.RootAsync(MerkleTables.Global, size2, cancellationToken);
        var proof = await log.ConsistencyProofAsync(MerkleTables.Global, first, size2, cancellationToken);
        if (!MerkleProofs.VerifyConsistency(first, size2, root1, root2, proof))
        {
            throw new InvalidDataException($"the stored global log is not consistent from {first} to {size2} leaves: run evidence-collector audit");
        }

        metrics.Add(CollectorCounters.ProofsServed, reason: "consistency");
        return new LogConsistencyProof { LogId = identity.LogId, Size1 = first, Root1 = root1, Size2 = size2, Root2 = root2, Proof = proof };
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _reads.DisposeAsync();

    private const string CheckpointColumns =
        "SELECT batch_id, first_leaf_index, tree_size, root, epoch_time, capture_drops, checkpoint_signature, voucher::text, rejection::text, log_index, accepted_at ";

    private async Task<List<SessionCheckpoint>> ReadCheckpointsAsync(ulong sessionId, ulong? treeSize, CancellationToken cancellationToken)
    {
        var checkpoints = new List<SessionCheckpoint>();
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            CheckpointColumns + "FROM batches WHERE session_id = @s" + (treeSize is null ? "" : " AND tree_size = @size") + " ORDER BY tree_size", connection);
        command.Parameters.AddWithValue("s", DbIds.Session(sessionId));
        if (treeSize is { } size)
        {
            command.Parameters.AddWithValue("size", DbIds.Size(size));
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            checkpoints.Add(ReadCheckpoint(reader));
        }

        return checkpoints;
    }

    private static SessionCheckpoint ReadCheckpoint(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        (ulong)reader.GetInt64(1),
        new SignedCheckpoint
        {
            TreeSize = (ulong)reader.GetInt64(2),
            Root = (byte[])reader[3],
            EpochTime = (ulong)reader.GetInt64(4),
            CaptureDrops = (ulong)reader.GetInt64(5),
            Signature = "0x" + Convert.ToHexStringLower((byte[])reader[6]),
        },
        reader.IsDBNull(7) ? null : JsonSerializer.Deserialize<SignedVoucher>(reader.GetString(7), Json),
        reader.IsDBNull(8) ? null : JsonSerializer.Deserialize<ClientRejection>(reader.GetString(8), Json),
        reader.IsDBNull(9) ? null : (ulong)reader.GetInt64(9),
        reader.GetFieldValue<DateTimeOffset>(10));
}
