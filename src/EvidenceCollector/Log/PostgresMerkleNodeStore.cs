using Npgsql;
using NpgsqlTypes;
using Oracle.Core.Merkle;

namespace EvidenceCollector.Log;

/// <summary>
/// The evidence collector's <see cref="IMerkleNodeStore"/>: a tree's leaf hashes are rows of its leaves table (written
/// with their records or leaf data by ingestion and the sequencer, in the same transaction), its perfect subtrees of
/// 2^8 leaves and more are rows of its nodes table, and a smaller subtree is hashed from its leaves when asked for
/// (at most 255 leaves, one range read). So a root or proof costs one round trip of two indexed reads, the nodes table
/// holds about one row per 128 leaves, and the levels it holds (8, 16, ...) are exactly the hashes of C2SP tiles above
/// level 0. Bound to one connection and transaction; not thread-safe.
/// </summary>
internal sealed class PostgresMerkleNodeStore(NpgsqlConnection connection, NpgsqlTransaction? transaction, MerkleTables tables) : IMerkleNodeStore
{
    /// <summary>The lowest level stored in the nodes table (a tile's height).</summary>
    public const int StrideLevel = 8;

    /// <inheritdoc />
    public async ValueTask ReadAsync(IReadOnlyList<MerkleNodeId> nodes, Memory<byte> hashes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var stored = new List<int>();
        var computed = new List<int>();
        for (var i = 0; i < nodes.Count; i++)
        {
            (nodes[i].Level >= StrideLevel ? stored : computed).Add(i);
        }

        await using var batch = new NpgsqlBatch(connection, transaction);
        if (stored.Count > 0)
        {
            var command = new NpgsqlBatchCommand(
                $"SELECT n.level, n.node_index, n.hash FROM unnest(@levels, @indexes) AS w(level, node_index) " +
                $"JOIN {tables.Nodes} n ON n.level = w.level AND n.node_index = w.node_index{tables.Scope("n")}");
            command.Parameters.Add(new NpgsqlParameter("levels", NpgsqlDbType.Array | NpgsqlDbType.Smallint) { Value = stored.Select(i => (short)nodes[i].Level).ToArray() });
            command.Parameters.Add(new NpgsqlParameter("indexes", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = stored.Select(i => DbIds.Size(nodes[i].Index)).ToArray() });
            AddScope(command);
            batch.BatchCommands.Add(command);
        }

        if (computed.Count > 0)
        {
            var command = new NpgsqlBatchCommand(
                $"SELECT l.leaf_index, l.leaf_hash FROM unnest(@starts, @ends) AS r(first, stop) " +
                $"JOIN {tables.Leaves} l ON l.leaf_index >= r.first AND l.leaf_index < r.stop{tables.Scope("l")}");
            command.Parameters.Add(new NpgsqlParameter("starts", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = computed.Select(i => DbIds.Size(nodes[i].FirstLeaf)).ToArray() });
            command.Parameters.Add(new NpgsqlParameter("ends", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = computed.Select(i => DbIds.Size(nodes[i].FirstLeaf + nodes[i].Leaves)).ToArray() });
            AddScope(command);
            batch.BatchCommands.Add(command);
        }

        if (batch.BatchCommands.Count == 0)
        {
            return;
        }

        var storedHashes = new Dictionary<MerkleNodeId, byte[]>(stored.Count);
        var leafHashes = new Dictionary<ulong, byte[]>();
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (stored.Count > 0)
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    storedHashes[new MerkleNodeId(reader.GetInt16(0), (ulong)reader.GetInt64(1))] = (byte[])reader[2];
                }

                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            }

            if (computed.Count > 0)
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    leafHashes[(ulong)reader.GetInt64(0)] = (byte[])reader[1];
                }
            }
        }

        foreach (var i in stored)
        {
            var hash = storedHashes.GetValueOrDefault(nodes[i]) ?? throw new KeyNotFoundException($"Merkle node {nodes[i]} of {Describe()} was never written");
            hash.CopyTo(hashes.Span.Slice(i * MerkleHash.Size, MerkleHash.Size));
        }

        foreach (var i in computed)
        {
            Hash(nodes[i], leafHashes, hashes.Span.Slice(i * MerkleHash.Size, MerkleHash.Size));
        }
    }

    /// <summary>
    /// Writes the nodes of level <see cref="StrideLevel"/> and up; a node already held fails the transaction (a node is a
    /// function of its leaves: writing it twice means two appends at one size, a fork). Leaves and the levels below are
    /// not written here: the caller writes the leaves with their data in the same transaction.
    /// </summary>
    public async ValueTask WriteAsync(IReadOnlyList<MerkleNodeId> nodes, ReadOnlyMemory<byte> hashes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var levels = new List<short>();
        var indexes = new List<long>();
        var values = new List<byte[]>();
        for (var i = 0; i < nodes.Count; i++)
        {
            if (nodes[i].Level >= StrideLevel)
            {
                levels.Add((short)nodes[i].Level);
                indexes.Add(DbIds.Size(nodes[i].Index));
                values.Add(hashes.Slice(i * MerkleHash.Size, MerkleHash.Size).ToArray());
            }
        }

        if (levels.Count == 0)
        {
            return;
        }

        var scope = tables.SessionId is null ? "" : "@session, ";
        var columns = tables.SessionId is null ? "" : "session_id, ";
        await using var command = new NpgsqlCommand(
            $"INSERT INTO {tables.Nodes} ({columns}level, node_index, hash) SELECT {scope}* FROM unnest(@levels, @indexes, @hashes)", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter("levels", NpgsqlDbType.Array | NpgsqlDbType.Smallint) { Value = levels.ToArray() });
        command.Parameters.Add(new NpgsqlParameter("indexes", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = indexes.ToArray() });
        command.Parameters.Add(new NpgsqlParameter("hashes", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = values.ToArray() });
        if (tables.SessionId is { } session)
        {
            command.Parameters.AddWithValue("session", session);
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private void AddScope(NpgsqlBatchCommand command)
    {
        if (tables.SessionId is { } session)
        {
            command.Parameters.AddWithValue("session", session);
        }
    }

    // MTH of a perfect subtree below the stride, from its leaf hashes (pairwise, level by level).
    private void Hash(MerkleNodeId node, Dictionary<ulong, byte[]> leaves, Span<byte> destination)
    {
        var width = (int)node.Leaves;
        var level = new byte[width][];
        for (var j = 0; j < width; j++)
        {
            level[j] = leaves.GetValueOrDefault(node.FirstLeaf + (ulong)j)
                ?? throw new KeyNotFoundException($"leaf {node.FirstLeaf + (ulong)j} of {Describe()} is missing (asked for node {node})");
        }

        for (; width > 1; width /= 2)
        {
            for (var j = 0; j < width / 2; j++)
            {
                level[j] = MerkleHash.Node(level[2 * j], level[(2 * j) + 1]);
            }
        }

        level[0].CopyTo(destination);
    }

    private string Describe() => tables.SessionId is { } s ? $"the log of session {DbIds.Session(s)}" : "the global log";
}
