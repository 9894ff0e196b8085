using EvidenceCollector.Audit;
using EvidenceCollector.Log;
using Npgsql;
using Oracle.Core.Eip712;
using Oracle.Core.Evidence;
using Oracle.Testing;

namespace EvidenceCollector.Tests.Support;

/// <summary>
/// What a fault test asserts at the end: every published batch stored exactly once with its digest, every record byte
/// for byte and in order (hash-checked per session), the global log holding each batch once with no gap, and the audit
/// finding nothing wrong.
/// </summary>
internal static class EvidenceCheck
{
    public static async Task AssertCompleteAsync(NpgsqlDataSource database, TypedDataDomain domain, IReadOnlyList<SessionEvidence> sessions, IReadOnlyList<EvidenceBatch> batches)
    {
        await using var connection = await database.OpenConnectionAsync();
        var digests = new Dictionary<Guid, byte[]>();
        await using (var command = new NpgsqlCommand("SELECT batch_id, digest FROM batches", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                digests.Add(reader.GetGuid(0), (byte[])reader[1]);
            }
        }

        Assert.Equal(batches.Count, digests.Count);
        foreach (var batch in batches)
        {
            Assert.Equal(EvidenceBatchDigest.Compute(batch), digests[batch.BatchId]);
        }

        foreach (var session in sessions)
        {
            var stored = new List<byte[]>();
            await using var command = new NpgsqlCommand("SELECT record FROM leaves WHERE session_id = @s ORDER BY leaf_index", connection);
            command.Parameters.AddWithValue("s", unchecked((long)session.SessionId));
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                stored.Add((byte[])reader[0]);
            }

            Assert.Equal(session.SealedRecords.Count, stored.Count);
            Assert.Equal(SessionEvidence.Hash(session.SealedRecords), SessionEvidence.Hash(stored));
        }

        await using (var count = new NpgsqlCommand("SELECT count(*), count(DISTINCT log_index), coalesce(max(log_index), -1) FROM batches", connection))
        await using (var reader = await count.ExecuteReaderAsync())
        {
            await reader.ReadAsync();
            Assert.Equal((long)batches.Count, reader.GetInt64(1));
            Assert.Equal(batches.Count - 1L, reader.GetInt64(2));
        }

        var report = await new LogAuditor(database, domain, [], null, TextWriter.Null).AuditAsync(default);
        Assert.True(report.IsClean, string.Join("\n", report.Findings));
        Assert.Equal((ulong)batches.Count, report.GlobalLeaves);
        Assert.Equal(0, report.Unsequenced);
    }
}
