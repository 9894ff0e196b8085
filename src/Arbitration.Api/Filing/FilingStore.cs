using System.Globalization;
using System.Numerics;
using Dapper;
using Npgsql;

namespace Arbitration.Api.Filing;

/// <summary>
/// The filings the API took on (table <c>filings</c>), keyed by the filing's EIP-712 digest: the same signed filing
/// gets the same answer, and two identical requests never relay twice (one claims the row, the other waits for it).
/// </summary>
internal sealed class FilingStore(NpgsqlDataSource dataSource, TimeProvider time)
{
    public async Task<FilingRow?> FindAsync(string digest, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<FilingRow>(new CommandDefinition(
            "SELECT digest, filer, session_id, state, lease_until, dispute_id, tx_hash, block_number, created_at FROM filings WHERE digest = @digest",
            new { digest }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Takes the filing for relaying: a new row, or a failed one, or one whose relay lease ran out (a crashed relay:
    /// the caller then checks the chain before relaying again). <see cref="FilingClaim.Held"/> when it is filed or
    /// another relay holds it; <see cref="FilingClaim.NonceInFlight"/> when a different filing of the same filer with the
    /// same nonce is being relayed (only one of them can land: relaying both would pay for a revert).
    /// </summary>
    public async Task<FilingClaim> TryClaimAsync(string digest, string filer, long sessionId, BigInteger nonce, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var n = nonce.ToString(CultureInfo.InvariantCulture);
        // One claim at a time per filer, so two filings with one nonce cannot both pass the check below.
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(hashtext(@filer))", new { filer }, transaction, cancellationToken: cancellationToken));
        var rival = await connection.ExecuteScalarAsync<bool>(new CommandDefinition("""
            SELECT EXISTS (SELECT 1 FROM filings WHERE filer = @filer AND nonce = @nonce::numeric AND digest <> @digest AND state = 'relaying' AND lease_until >= @now)
            """, new { filer, nonce = n, digest, now }, transaction, cancellationToken: cancellationToken));
        if (rival)
        {
            return FilingClaim.NonceInFlight;
        }

        var claimed = await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO filings (digest, filer, session_id, nonce, state, lease_until) VALUES (@digest, @filer, @sessionId, @nonce::numeric, 'relaying', @until)
            ON CONFLICT (digest) DO UPDATE SET state = 'relaying', lease_until = @until, updated_at = now(), problem_type = NULL, problem_detail = NULL
            WHERE filings.state = 'failed' OR (filings.state = 'relaying' AND filings.lease_until < @now)
            """, new { digest, filer, sessionId, nonce = n, until = now + lease, now }, transaction, cancellationToken: cancellationToken)) == 1;
        await transaction.CommitAsync(cancellationToken);
        return claimed ? FilingClaim.Claimed : FilingClaim.Held;
    }

    public async Task CompleteAsync(string digest, long disputeId, string txHash, long blockNumber, BigInteger gasCost, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE filings SET state = 'filed', dispute_id = @disputeId, tx_hash = @txHash, block_number = @blockNumber, gas_cost_wei = @gas::numeric, updated_at = now()
            WHERE digest = @digest
            """, new { digest, disputeId, txHash, blockNumber, gas = gasCost.ToString(CultureInfo.InvariantCulture) }, cancellationToken: cancellationToken));
    }

    public async Task FailAsync(string digest, string problemType, string? detail, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE filings SET state = 'failed', problem_type = @problemType, problem_detail = @detail, updated_at = now() WHERE digest = @digest AND state = 'relaying'",
            new { digest, problemType, detail }, cancellationToken: cancellationToken));
    }
}
