using System.Data.Common;
using System.Text.RegularExpressions;
using Dapper;
using Npgsql;
using Oracle.Chain.Events;

namespace Oracle.Storage.ChainCursors;

/// <summary>
/// Chain watcher cursors in a service's PostgreSQL schema (tables <c>chain_cursors</c> and <c>chain_cursor_blocks</c>,
/// created by <see cref="MigrateAsync"/>), so a handler's rows and the cursor commit in one transaction. A step holds a
/// transaction-scoped advisory lock on its watcher (even before the watcher's first row exists): two instances of one
/// watcher (two replicas of a service) take turns and never apply the same batch twice.
/// </summary>
public sealed partial class PostgresChainCursorStore : IChainCursorStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _schema;

    /// <summary>A store in <paramref name="schema"/> of <paramref name="dataSource"/>'s database.</summary>
    /// <param name="dataSource">The service's database.</param>
    /// <param name="schema">The service's schema (where <see cref="MigrateAsync"/> created the tables).</param>
    /// <exception cref="ArgumentException"><paramref name="schema"/> is not a plain lower-case identifier.</exception>
    public PostgresChainCursorStore(NpgsqlDataSource dataSource, string schema)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        if (!Identifier().IsMatch(schema ?? ""))
        {
            throw new ArgumentException($"schema '{schema}' is not a plain identifier (lower-case letters, digits, _)", nameof(schema));
        }

        _dataSource = dataSource;
        _schema = schema!;
    }

    /// <summary>Creates (or updates) the cursor tables in <paramref name="schema"/>, under the migrator's advisory lock.</summary>
    /// <returns>The scripts applied now.</returns>
    public static Task<IReadOnlyList<string>> MigrateAsync(NpgsqlDataSource dataSource, string schema, CancellationToken cancellationToken = default)
        => DatabaseMigrator.MigrateAsync(dataSource, typeof(PostgresChainCursorStore).Assembly, schema, cancellationToken);

    /// <inheritdoc />
    public async Task<ChainCursor?> ReadAsync(string watcher, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(watcher);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ReadAsync(connection, null, watcher, forUpdate: false, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IChainCursorTransaction> BeginAsync(string watcher, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(watcher);
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            return new PostgresChainCursorTransaction(this, connection, transaction, watcher);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    internal async Task<ChainCursor?> ReadAsync(DbConnection connection, DbTransaction? transaction, string watcher, bool forUpdate, CancellationToken cancellationToken)
    {
        var next = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            $"SELECT next_block FROM \"{_schema}\".chain_cursors WHERE watcher = @watcher{(forUpdate ? " FOR UPDATE" : "")}",
            new { watcher }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (next is null)
        {
            return null;
        }

        var blocks = await connection.QueryAsync<(long Number, string Hash)>(new CommandDefinition(
            $"SELECT number, hash FROM \"{_schema}\".chain_cursor_blocks WHERE watcher = @watcher ORDER BY number",
            new { watcher }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new ChainCursor((ulong)next.Value, blocks.Select(b => new RememberedBlock((ulong)b.Number, b.Hash)).ToList());
    }

    internal async Task WriteAsync(DbConnection connection, DbTransaction transaction, string watcher, ChainCursor cursor, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO "{_schema}".chain_cursors (watcher, next_block) VALUES (@watcher, @next)
            ON CONFLICT (watcher) DO UPDATE SET next_block = excluded.next_block, updated_at = now();
            DELETE FROM "{_schema}".chain_cursor_blocks WHERE watcher = @watcher;
            INSERT INTO "{_schema}".chain_cursor_blocks (watcher, number, hash) SELECT @watcher, n, h FROM unnest(@numbers, @hashes) AS b(n, h);
            """,
            new
            {
                watcher,
                next = checked((long)cursor.NextBlock),
                numbers = cursor.Blocks.Select(b => checked((long)b.Number)).ToArray(),
                hashes = cursor.Blocks.Select(b => b.Hash).ToArray(),
            },
            transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    // Stable across processes (string.GetHashCode is randomized per process).
    internal long LockKey(string watcher)
        => BitConverter.ToInt64(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"oracle-chain-cursor:{_schema}:{watcher}")), 0);

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex Identifier();
}
