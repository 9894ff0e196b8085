using System.Data.Common;
using System.Globalization;
using System.Numerics;
using Dapper;
using Nethereum.Hex.HexConvertors.Extensions;

namespace Arbitration.Api.ReadModel;

/// <summary>
/// The projection's writes within one watcher step: one connection and transaction, and the block being applied, which
/// the undo log records with every row written (<c>arbitration.block</c>, migration 0001).
/// </summary>
internal sealed class ProjectionStep(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
{
    private ulong? _block;

    public CancellationToken CancellationToken => cancellationToken;

    /// <summary>Makes the following writes belong to <paramref name="block"/>.</summary>
    public async Task AtBlockAsync(ulong block)
    {
        if (_block == block)
        {
            return;
        }

        await ExecuteAsync("SELECT set_config('arbitration.block', @block, true)", new { block = block.ToString(CultureInfo.InvariantCulture) });
        _block = block;
    }

    public Task<int> ExecuteAsync(string sql, object? args = null)
        => connection.ExecuteAsync(new CommandDefinition(sql, args, transaction, cancellationToken: cancellationToken));

    public Task<T?> ScalarAsync<T>(string sql, object? args = null)
        => connection.ExecuteScalarAsync<T>(new CommandDefinition(sql, args, transaction, cancellationToken: cancellationToken));

    public Task<IEnumerable<T>> QueryAsync<T>(string sql, object? args = null)
        => connection.QueryAsync<T>(new CommandDefinition(sql, args, transaction, cancellationToken: cancellationToken));

    /// <summary>An amount as the decimal text the SQL casts with <c>::numeric</c>.</summary>
    public static string N(BigInteger value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>An address in the read model's form (lower case).</summary>
    public static string A(string address) => address.ToLowerInvariant();

    /// <summary>Bytes as 0x hex.</summary>
    public static string H(byte[] bytes) => bytes.ToHex(true);

    /// <summary>A uint64 as a bigint column (every id and time in this system is below 2^63).</summary>
    public static long L(ulong value) => checked((long)value);
}
