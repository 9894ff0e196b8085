using Npgsql;
using Oracle.Core.Merkle;
using Oracle.Core.Transparency;
using Oracle.Storage;

namespace EvidenceCollector.Log;

/// <summary>
/// Reads the stored logs for the read API, the tiles and the audit: heads, roots and proofs at any size up to the head
/// (nodes are immutable, so reads need no lock and never see a half-written append), leaves and tiles.
/// </summary>
internal sealed class LogReader(OracleDatabase database, LatestHead latest)
{
    /// <summary>The global log's head (from memory in the leading process: <see cref="LatestHead"/>), or null before the first sequencer started.</summary>
    public async Task<LogHead?> HeadAsync(CancellationToken cancellationToken)
    {
        if (latest.Current is { } head)
        {
            return head;
        }

        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await Sequencer.ReadHeadAsync(connection, null, forUpdate: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The root of <paramref name="tables"/> at <paramref name="size"/> leaves.</summary>
    public Task<byte[]> RootAsync(MerkleTables tables, ulong size, CancellationToken cancellationToken)
        => WithTreeAsync(tables, tree => tree.RootAsync(size, cancellationToken), cancellationToken);

    /// <summary>The inclusion proof of leaf <paramref name="index"/> at <paramref name="size"/> leaves.</summary>
    public Task<IReadOnlyList<byte[]>> InclusionProofAsync(MerkleTables tables, ulong index, ulong size, CancellationToken cancellationToken)
        => WithTreeAsync(tables, tree => tree.InclusionProofAsync(index, size, cancellationToken), cancellationToken);

    /// <summary>The consistency proof from <paramref name="size1"/> to <paramref name="size2"/> leaves.</summary>
    public Task<IReadOnlyList<byte[]>> ConsistencyProofAsync(MerkleTables tables, ulong size1, ulong size2, CancellationToken cancellationToken)
        => WithTreeAsync(tables, tree => tree.ConsistencyProofAsync(size1, size2, cancellationToken), cancellationToken);

    /// <summary>The signed checkpoint of the global log at exactly <paramref name="size"/> leaves, when one was signed.</summary>
    public async Task<(byte[] Root, string Checkpoint)?> CheckpointAsync(ulong size, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT root, checkpoint FROM checkpoints WHERE tree_size = @size", connection);
        command.Parameters.AddWithValue("size", DbIds.Size(size));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ((byte[])reader[0], reader.GetString(1)) : null;
    }

    /// <summary>
    /// The bytes of a C2SP tile of the global log at its current <paramref name="treeSize"/>: 32-byte hashes, or an entry
    /// bundle (each leaf as a big-endian uint16 length and its bytes). Null when the log does not have that many hashes
    /// or entries there (yet).
    /// </summary>
    public async Task<byte[]?> TileAsync(TilePath tile, ulong treeSize, CancellationToken cancellationToken)
    {
        var level = tile.IsEntries ? 0 : tile.Level * TilePath.Height;
        if (level > 63)
        {
            return null;
        }

        var available = treeSize >> level;
        var first = tile.Index * TilePath.FullWidth;
        if (tile.Index > (ulong.MaxValue / TilePath.FullWidth) || available < first + (ulong)tile.Width)
        {
            return null;
        }

        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var sql = tile.IsEntries
            ? "SELECT leaf FROM log_leaves WHERE leaf_index >= @first AND leaf_index < @end ORDER BY leaf_index"
            : level == 0
                ? "SELECT leaf_hash FROM log_leaves WHERE leaf_index >= @first AND leaf_index < @end ORDER BY leaf_index"
                : "SELECT hash FROM log_nodes WHERE level = @level AND node_index >= @first AND node_index < @end ORDER BY node_index";
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("first", DbIds.Size(first));
        command.Parameters.AddWithValue("end", DbIds.Size(first + (ulong)tile.Width));
        command.Parameters.AddWithValue("level", (short)level);
        using var output = new MemoryStream();
        var rows = 0;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var bytes = (byte[])reader[0];
                if (tile.IsEntries)
                {
                    output.WriteByte((byte)(bytes.Length >> 8));
                    output.WriteByte((byte)bytes.Length);
                }

                output.Write(bytes);
                rows++;
            }
        }

        // A missing row inside the log is damage, not "not yet": say so rather than serve a short tile.
        return rows == tile.Width ? output.ToArray() : throw new InvalidDataException($"{tile} of the global log has {rows} of its {tile.Width} rows");
    }

    private async Task<T> WithTreeAsync<T>(MerkleTables tables, Func<StoredMerkleTree, ValueTask<T>> read, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await read(new StoredMerkleTree(new PostgresMerkleNodeStore(connection, null, tables))).ConfigureAwait(false);
    }
}
