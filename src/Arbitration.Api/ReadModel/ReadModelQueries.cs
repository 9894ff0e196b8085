using System.Globalization;
using System.Numerics;
using Arbitration.Api.Apis.Models;
using Dapper;
using Nethereum.Util;
using Npgsql;

namespace Arbitration.Api.ReadModel;

/// <summary>
/// The API's reads: every answer comes from the read model in PostgreSQL, never from the chain. Phases, windows and
/// pauses are judged against the read model's own clock (the timestamp of the last block it applied), so an answer is
/// consistent with the chain as of <see cref="ChainPosition"/>.
/// </summary>
internal sealed partial class ReadModelQueries(NpgsqlDataSource dataSource)
{
    private IReadOnlyDictionary<string, BigInteger>? _parameters;

    /// <summary>The read model's position, or null before the indexer applied anything.</summary>
    public async Task<ChainPosition?> PositionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await PositionAsync(connection, cancellationToken);
    }

    private static async Task<ChainPosition?> PositionAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var head = await connection.QuerySingleOrDefaultAsync<(long Block, long Time)?>(
            new CommandDefinition("SELECT block, block_time FROM indexer_head WHERE id = 1", cancellationToken: cancellationToken));
        return head is { } h ? new ChainPosition(h.Block, h.Time) : null;
    }

    /// <summary>The network parameters the indexer stored (empty until it ran once).</summary>
    public async Task<IReadOnlyDictionary<string, BigInteger>> ParametersAsync(CancellationToken cancellationToken)
    {
        if (_parameters is { Count: > 0 } cached)
        {
            return cached;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Name, string Value)>(
            new CommandDefinition("SELECT name, value::text FROM network_parameters", cancellationToken: cancellationToken));
        var parameters = rows.ToDictionary(r => r.Name, r => BigInteger.Parse(r.Value, CultureInfo.InvariantCulture));
        if (parameters.Count > 0)
        {
            _parameters = parameters;
        }

        return parameters;
    }

    private async Task<long> ParameterAsync(string name, CancellationToken cancellationToken)
        => (await ParametersAsync(cancellationToken)).TryGetValue(name, out var value) ? (long)value : 0;

    /// <summary>Counts for the dashboard's header.</summary>
    public async Task<(ChainPosition? AsOf, long Providers, long Sessions, long Disputes, long OpenDisputes, long Oracles)> CountsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var counts = await connection.QuerySingleAsync<(long, long, long, long, long)>(new CommandDefinition("""
            SELECT (SELECT count(*) FROM providers WHERE status = 'Active'),
                   (SELECT coalesce(max(session_id), 0) FROM sessions),
                   (SELECT coalesce(max(dispute_id), 0) FROM disputes),
                   (SELECT count(*) FROM disputes WHERE outcome = 'open'),
                   (SELECT count(*) FROM oracles WHERE stake > 0)
            """, cancellationToken: cancellationToken));
        return (await PositionAsync(connection, cancellationToken), counts.Item1, counts.Item2, counts.Item3, counts.Item4, counts.Item5);
    }

    // EIP-55 costs a keccak per address; the same few thousand parties, jurors and providers come back all the time.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Checksums = new(StringComparer.Ordinal);

    /// <summary>An address as clients see it (EIP-55 checksummed).</summary>
    internal static string Checksum(string address)
    {
        if (Checksums.TryGetValue(address, out var known))
        {
            return known;
        }

        var checksummed = AddressUtil.Current.ConvertToChecksumAddress(address);
        if (Checksums.Count >= 100_000)
        {
            Checksums.Clear();
        }

        Checksums[address] = checksummed;
        return checksummed;
    }

    internal static string? ChecksumOrNull(string? address) => address is null ? null : Checksum(address);
}
