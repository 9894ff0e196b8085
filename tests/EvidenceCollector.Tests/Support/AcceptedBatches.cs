using System.Security.Cryptography;
using EvidenceCollector.Log;
using Npgsql;
using NpgsqlTypes;
using Oracle.Core.Merkle;
using Oracle.Core.Transparency;

namespace EvidenceCollector.Tests.Support;

/// <summary>Rows of accepted batches written straight into the store (for the sequencer and the read side without ingestion).</summary>
internal static class AcceptedBatches
{
    public const ulong ChainId = 31337;

    public const string SessionManager = "0x5fbdb2315678afecb367f032d93f642f64180aa3";

    /// <summary>An identity for the global log, with a fixed test key.</summary>
    public static LogIdentity Identity(string origin = "collector.test/log")
        => new(origin, NoteKey.FromSeed(origin, SHA256.HashData("test log key"u8)), ChainId, SessionManager, "0x00000000000000000000000000000000000000c0");

    /// <summary>Inserts <paramref name="count"/> checkpoints of session <paramref name="sessionId"/> (tree sizes 1..count) as accepted, unsequenced batches.</summary>
    public static async Task<IReadOnlyList<Guid>> InsertAsync(CollectorDatabase db, ulong sessionId, int count, int firstTreeSize = 1)
    {
        await using var connection = await db.Database.DataSource.OpenConnectionAsync();
        await using (var session = new NpgsqlCommand(
            "INSERT INTO sessions (session_id, gateway, client, opened_at, root, compact_range) VALUES (@s, 'g', 'c', 0, @r, ''::bytea) ON CONFLICT DO NOTHING", connection))
        {
            session.Parameters.AddWithValue("s", unchecked((long)sessionId));
            session.Parameters.AddWithValue("r", MerkleHash.EmptyRoot.ToArray());
            await session.ExecuteNonQueryAsync();
        }

        var ids = new List<Guid>();
        await using var copy = await connection.BeginBinaryImportAsync(
            "COPY batches (batch_id, digest, session_id, first_leaf_index, tree_size, root, epoch_time, capture_drops, checkpoint_signature, consumer) FROM STDIN (FORMAT BINARY)");
        for (var i = 0; i < count; i++)
        {
            var id = Guid.NewGuid();
            ids.Add(id);
            await copy.StartRowAsync();
            await copy.WriteAsync(id, NpgsqlDbType.Uuid);
            await copy.WriteAsync(RandomNumberGenerator.GetBytes(32), NpgsqlDbType.Bytea);
            await copy.WriteAsync(unchecked((long)sessionId), NpgsqlDbType.Bigint);
            await copy.WriteAsync((long)(firstTreeSize + i - 1), NpgsqlDbType.Bigint);
            await copy.WriteAsync((long)(firstTreeSize + i), NpgsqlDbType.Bigint);
            await copy.WriteAsync(RandomNumberGenerator.GetBytes(32), NpgsqlDbType.Bytea);
            await copy.WriteAsync(1_700_000_000L + i, NpgsqlDbType.Bigint);
            await copy.WriteAsync(0L, NpgsqlDbType.Bigint);
            await copy.WriteAsync(RandomNumberGenerator.GetBytes(65), NpgsqlDbType.Bytea);
            await copy.WriteAsync("test", NpgsqlDbType.Text);
        }

        await copy.CompleteAsync();
        return ids;
    }
}
