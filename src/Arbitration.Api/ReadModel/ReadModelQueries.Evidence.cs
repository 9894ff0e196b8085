using Dapper;

namespace Arbitration.Api.ReadModel;

/// <summary>What evidence and filing checks read.</summary>
internal sealed partial class ReadModelQueries
{
    /// <summary>The dispute's session and its current round's committee (null before the draw), or null when unknown.</summary>
    public async Task<(long SessionId, string[]? Committee)?> DisputeCommitteeAsync(long disputeId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<(long, string[]?)?>(new CommandDefinition("""
            SELECT d.session_id, r.committee FROM disputes d
            LEFT JOIN dispute_rounds r ON r.dispute_id = d.dispute_id AND r.round = d.round
            WHERE d.dispute_id = @id
            """, new { id = disputeId }, cancellationToken: cancellationToken));
    }

    /// <summary>Whether the session is in the read model.</summary>
    public async Task<bool> SessionExistsAsync(long sessionId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM sessions WHERE session_id = @id)", new { id = sessionId }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// The dispute the read model holds for a relayed filing whose outcome was lost (a crash while relaying): filed by
    /// <paramref name="filer"/> on the session with this claim and evidence, not before <paramref name="notBefore"/>.
    /// </summary>
    public async Task<(long DisputeId, string Tx, long Block)?> FindFiledAsync(string filer, long sessionId, int claimType, string evidenceHash, long notBefore, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QueryFirstOrDefaultAsync<(long, string, long)?>(new CommandDefinition("""
            SELECT dispute_id, filed_tx, filed_block FROM disputes
            WHERE filer = @filer AND session_id = @sessionId AND claim_type = @claimType AND evidence_hash = @evidenceHash AND filed_at >= @notBefore
            ORDER BY dispute_id LIMIT 1
            """, new { filer = filer.ToLowerInvariant(), sessionId, claimType = (short)claimType, evidenceHash, notBefore }, cancellationToken: cancellationToken));
    }
}
