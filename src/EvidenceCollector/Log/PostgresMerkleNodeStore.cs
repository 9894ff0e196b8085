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
        var read = new MerkleNodeRead(tables, nodes);
        if (read.ResultSets == 0)
        {
            return;
        }

        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            read.AddTo(batch);
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await read.ReadResultsAsync(reader, cancellationToken).ConfigureAwait(false);
        }

        read.CopyTo(hashes);
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
}
