using Npgsql;
using NpgsqlTypes;
using Oracle.Core.Merkle;

namespace EvidenceCollector.Log;

/// <summary>
/// A read of given nodes of one tree (the rows of its nodes table for levels of <see cref="PostgresMerkleNodeStore.StrideLevel"/>
/// and up, the leaf hashes under each lower node), added as at most two commands to a caller's <see cref="NpgsqlBatch"/>
/// so it shares a round trip with other reads. Once read, it serves exactly those nodes as an
/// <see cref="IMerkleNodeStore"/> (a proof built from it asks for the same list); it writes nothing.
/// </summary>
internal sealed class MerkleNodeRead : IMerkleNodeStore
{
    private readonly MerkleTables _tables;
    private readonly IReadOnlyList<MerkleNodeId> _nodes;
    private readonly List<int> _stored = [];
    private readonly List<int> _computed = [];
    private readonly Dictionary<MerkleNodeId, byte[]> _storedHashes = [];
    private readonly Dictionary<ulong, byte[]> _leafHashes = [];

    /// <summary>A read of <paramref name="nodes"/> of <paramref name="tables"/>' tree.</summary>
    public MerkleNodeRead(MerkleTables tables, IReadOnlyList<MerkleNodeId> nodes)
    {
        _tables = tables;
        _nodes = nodes;
        for (var i = 0; i < nodes.Count; i++)
        {
            (nodes[i].Level >= PostgresMerkleNodeStore.StrideLevel ? _stored : _computed).Add(i);
        }
    }

    /// <summary>The result sets this read adds to a batch (0, 1 or 2).</summary>
    public int ResultSets => (_stored.Count > 0 ? 1 : 0) + (_computed.Count > 0 ? 1 : 0);

    /// <summary>Adds this read's commands to <paramref name="batch"/>.</summary>
    public void AddTo(NpgsqlBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (_stored.Count > 0)
        {
            // One index lookup per node (LATERAL ... OFFSET 0 keeps the planner from joining every node of the tree).
            var command = new NpgsqlBatchCommand(
                $"SELECT n.level, n.node_index, n.hash FROM unnest(@levels, @indexes) AS w(level, node_index) CROSS JOIN LATERAL " +
                $"(SELECT n.level, n.node_index, n.hash FROM {_tables.Nodes} n WHERE n.level = w.level AND n.node_index = w.node_index{_tables.Scope("n")} OFFSET 0) n");
            command.Parameters.Add(new NpgsqlParameter("levels", NpgsqlDbType.Array | NpgsqlDbType.Smallint) { Value = _stored.Select(i => (short)_nodes[i].Level).ToArray() });
            command.Parameters.Add(new NpgsqlParameter("indexes", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = _stored.Select(i => DbIds.Size(_nodes[i].Index)).ToArray() });
            AddScope(command);
            batch.BatchCommands.Add(command);
        }

        if (_computed.Count > 0)
        {
            // One index range scan per subtree: as a plain join, the planner read every leaf of the session and filtered
            // them (14 ms for a session of 5,000 leaves, against 0.3 ms).
            var command = new NpgsqlBatchCommand(
                $"SELECT l.leaf_index, l.leaf_hash FROM unnest(@starts, @ends) AS r(first, stop) CROSS JOIN LATERAL " +
                $"(SELECT l.leaf_index, l.leaf_hash FROM {_tables.Leaves} l WHERE l.leaf_index >= r.first AND l.leaf_index < r.stop{_tables.Scope("l")} OFFSET 0) l");
            command.Parameters.Add(new NpgsqlParameter("starts", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = _computed.Select(i => DbIds.Size(_nodes[i].FirstLeaf)).ToArray() });
            command.Parameters.Add(new NpgsqlParameter("ends", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = _computed.Select(i => DbIds.Size(_nodes[i].FirstLeaf + _nodes[i].Leaves)).ToArray() });
            AddScope(command);
            batch.BatchCommands.Add(command);
        }
    }

    /// <summary>
    /// Reads this read's result sets from <paramref name="reader"/>, positioned on the first of them (it moves to the
    /// next result set between its own, not after the last).
    /// </summary>
    public async Task ReadResultsAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (_stored.Count > 0)
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                _storedHashes[new MerkleNodeId(reader.GetInt16(0), (ulong)reader.GetInt64(1))] = (byte[])reader[2];
            }

            if (_computed.Count > 0)
            {
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        if (_computed.Count > 0)
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                _leafHashes[(ulong)reader.GetInt64(0)] = (byte[])reader[1];
            }
        }
    }

    /// <summary>Copies the nodes read, in order, to <paramref name="hashes"/> (32 bytes each).</summary>
    /// <exception cref="KeyNotFoundException">A node or a leaf under it is not in the store.</exception>
    public void CopyTo(Memory<byte> hashes)
    {
        foreach (var i in _stored)
        {
            var hash = _storedHashes.GetValueOrDefault(_nodes[i]) ?? throw new KeyNotFoundException($"Merkle node {_nodes[i]} of {Describe()} was never written");
            hash.CopyTo(hashes.Span.Slice(i * MerkleHash.Size, MerkleHash.Size));
        }

        foreach (var i in _computed)
        {
            Hash(_nodes[i], hashes.Span.Slice(i * MerkleHash.Size, MerkleHash.Size));
        }
    }

    /// <summary>Serves the nodes read; asking for other nodes is a mistake of the caller.</summary>
    public ValueTask ReadAsync(IReadOnlyList<MerkleNodeId> nodes, Memory<byte> hashes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        if (!nodes.SequenceEqual(_nodes))
        {
            throw new InvalidOperationException("asked for other nodes than were read");
        }

        CopyTo(hashes);
        return ValueTask.CompletedTask;
    }

    /// <summary>Not supported: a read writes nothing.</summary>
    public ValueTask WriteAsync(IReadOnlyList<MerkleNodeId> nodes, ReadOnlyMemory<byte> hashes, CancellationToken cancellationToken)
        => throw new NotSupportedException("a MerkleNodeRead only reads");

    private void AddScope(NpgsqlBatchCommand command)
    {
        if (_tables.SessionId is { } session)
        {
            command.Parameters.AddWithValue("session", session);
        }
    }

    // MTH of a perfect subtree below the stride, from its leaf hashes (pairwise, level by level).
    private void Hash(MerkleNodeId node, Span<byte> destination)
    {
        var width = (int)node.Leaves;
        var level = new byte[width][];
        for (var j = 0; j < width; j++)
        {
            level[j] = _leafHashes.GetValueOrDefault(node.FirstLeaf + (ulong)j)
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

    private string Describe() => _tables.SessionId is { } s ? $"the log of session {DbIds.Session(s)}" : "the global log";
}
