using EvidenceCollector.Log;
using Npgsql;
using Oracle.Storage;

namespace EvidenceCollector.Anchoring;

/// <summary>
/// The collector's record of its anchors (<c>anchors</c>): a size is written, with its root, before the transaction is
/// sent, so a size is never sent with two roots (a retry after a crash sends the same root again).
/// </summary>
internal sealed class AnchorLedger(OracleDatabase database)
{
    /// <summary>Reserves <paramref name="size"/> for <paramref name="root"/>; returns the root the ledger holds for it (the same unless something is badly wrong).</summary>
    public async Task<byte[]> ReserveAsync(ulong size, byte[] root, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "INSERT INTO anchors (tree_size, root, state) VALUES (@size, @root, 'sending') ON CONFLICT (tree_size) DO NOTHING; " +
            "SELECT root FROM anchors WHERE tree_size = @size", connection);
        command.Parameters.AddWithValue("size", DbIds.Size(size));
        command.Parameters.AddWithValue("root", root);
        return (byte[])(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Records that <paramref name="size"/> is anchored.</summary>
    public async Task AnchoredAsync(ulong size, string? transactionHash, ulong? block, long? gasUsed, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "UPDATE anchors SET state = 'anchored', transaction_hash = coalesce(@tx, transaction_hash), block_number = coalesce(@block, block_number), " +
            "gas_used = coalesce(@gas, gas_used), anchored_at = coalesce(anchored_at, now()) WHERE tree_size = @size", connection);
        command.Parameters.AddWithValue("size", DbIds.Size(size));
        command.Parameters.Add(new NpgsqlParameter("tx", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)transactionHash ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("block", NpgsqlTypes.NpgsqlDbType.Bigint) { Value = block is { } b ? (long)b : DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("gas", NpgsqlTypes.NpgsqlDbType.Bigint) { Value = (object?)gasUsed ?? DBNull.Value });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Marks sizes still <c>sending</c> below <paramref name="anchoredSize"/> as superseded: the registry holds a larger
    /// anchor, so they will never be anchored (sizes only grow) and are not retried.
    /// </summary>
    public async Task SupersedeBelowAsync(ulong anchoredSize, CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("UPDATE anchors SET state = 'superseded' WHERE state = 'sending' AND tree_size < @size", connection);
        command.Parameters.AddWithValue("size", DbIds.Size(anchoredSize));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The reservations not known to be anchored yet (after a crash mid-send), oldest first.</summary>
    public async Task<IReadOnlyList<(ulong Size, byte[] Root)>> SendingAsync(CancellationToken cancellationToken)
        => await ListAsync("SELECT tree_size, root FROM anchors WHERE state = 'sending' ORDER BY tree_size", cancellationToken).ConfigureAwait(false);

    /// <summary>The latest anchored size and when it was anchored, or null before the first anchor.</summary>
    public async Task<(ulong Size, DateTimeOffset At)?> LatestAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT tree_size, anchored_at FROM anchors WHERE state = 'anchored' ORDER BY tree_size DESC LIMIT 1", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ((ulong)reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1)) : null;
    }

    private async Task<List<(ulong, byte[])>> ListAsync(string sql, CancellationToken cancellationToken)
    {
        var rows = new List<(ulong, byte[])>();
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(((ulong)reader.GetInt64(0), (byte[])reader[1]));
        }

        return rows;
    }
}
