using Dapper;
using Npgsql;

namespace Arbitration.Api.Evidence;

/// <summary>Evidence bundles in PostgreSQL (table <c>evidence</c>), addressed by keccak256 of their bytes.</summary>
internal sealed class EvidenceStore(NpgsqlDataSource dataSource)
{
    /// <summary>Stores a bundle; false when a bundle with this hash was stored before (same bytes, by the hash).</summary>
    public async Task<bool> AddAsync(string hash, long sessionId, long? disputeId, byte[] body, IReadOnlyList<string> recipients, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO evidence (hash, session_id, dispute_id, body, recipients) VALUES (@hash, @sessionId, @disputeId, @body, @recipients)
            ON CONFLICT (hash) DO NOTHING
            """, new { hash, sessionId, disputeId, body, recipients = recipients.ToArray() }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>The bundle's bytes, or null.</summary>
    public async Task<byte[]?> GetAsync(string hash, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<byte[]>(new CommandDefinition(
            "SELECT body FROM evidence WHERE hash = @hash", new { hash }, cancellationToken: cancellationToken));
    }

    /// <summary>Whether a bundle with this hash is stored.</summary>
    public async Task<bool> ExistsAsync(string hash, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM evidence WHERE hash = @hash)", new { hash }, cancellationToken: cancellationToken));
    }
}
