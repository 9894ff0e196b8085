using System.Globalization;
using System.Numerics;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Arbitration.Api.Filing;

/// <summary>
/// The relayer's spending limits per filer and per UTC day (table <c>relay_spending</c>; the row of filer <c>*</c> is the
/// day's total). A relay reserves its worst-case gas before it sends, under row locks, so concurrent filings cannot
/// overshoot a limit; it settles with what the receipts say it paid.
/// </summary>
internal sealed class RelayerBudget(NpgsqlDataSource dataSource, IOptions<RelayerOptions> options, TimeProvider time)
{
    private const string Everyone = "*";

    /// <summary>Reserves <paramref name="worstCaseWei"/> for a filing by <paramref name="filer"/>, or says which limit refuses it.</summary>
    public async Task<(RelayReservation? Reservation, string? Refusal)> TryReserveAsync(string filer, BigInteger worstCaseWei, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var day = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO relay_spending (day, filer) VALUES (@day::date, @filer), (@day::date, @everyone) ON CONFLICT DO NOTHING",
            new { day = Day(day), filer, everyone = Everyone }, transaction, cancellationToken: cancellationToken));
        var rows = (await connection.QueryAsync<(string Filer, int Filings, string Spent, string Reserved)>(new CommandDefinition(
            "SELECT filer, filings, spent_wei::text, reserved_wei::text FROM relay_spending WHERE day = @day::date AND filer IN (@filer, @everyone) ORDER BY filer FOR UPDATE",
            new { day = Day(day), filer, everyone = Everyone }, transaction, cancellationToken: cancellationToken))).ToDictionary(r => r.Filer);
        var mine = rows[filer];
        var all = rows[Everyone];
        string? refusal = null;
        if (mine.Filings >= o.MaxFilingsPerFilerPerDay)
        {
            refusal = $"the relayer files at most {o.MaxFilingsPerFilerPerDay} disputes per filer per day";
        }
        else if (Big(mine.Spent) + Big(mine.Reserved) + worstCaseWei > Big(o.MaxWeiPerFilerPerDay))
        {
            refusal = $"the relayer spends at most {o.MaxWeiPerFilerPerDay} wei of gas per filer per day";
        }
        else if (Big(all.Spent) + Big(all.Reserved) + worstCaseWei > Big(o.MaxWeiPerDay))
        {
            refusal = $"the relayer spends at most {o.MaxWeiPerDay} wei of gas per day for everyone";
        }

        if (refusal is null)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE relay_spending SET reserved_wei = reserved_wei + @wei::numeric, filings = filings + CASE WHEN filer = @filer THEN 1 ELSE 0 END WHERE day = @day::date AND filer IN (@filer, @everyone)",
                new { day = Day(day), filer, everyone = Everyone, wei = worstCaseWei.ToString(CultureInfo.InvariantCulture) }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return refusal is null ? (new RelayReservation(day, filer, worstCaseWei), null) : (null, refusal);
    }

    /// <summary>Replaces a reservation by what was spent (nothing sent: the filing does not count against the filer).</summary>
    public async Task SettleAsync(RelayReservation reservation, BigInteger spentWei, bool sent, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE relay_spending SET reserved_wei = greatest(reserved_wei - @reserved::numeric, 0),
                filings = filings - CASE WHEN filer = @filer AND NOT @sent THEN 1 ELSE 0 END
            WHERE day = @day::date AND filer IN (@filer, @everyone)
            """, new { day = Day(reservation.Day), filer = reservation.Filer, everyone = Everyone, sent, reserved = reservation.Wei.ToString(CultureInfo.InvariantCulture) },
            transaction, cancellationToken: cancellationToken));
        if (spentWei > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO relay_spending (day, filer, spent_wei) VALUES (@day::date, @filer, @spent::numeric), (@day::date, @everyone, @spent::numeric)
                ON CONFLICT (day, filer) DO UPDATE SET spent_wei = relay_spending.spent_wei + excluded.spent_wei
                """, new { day = Day(today), filer = reservation.Filer, everyone = Everyone, spent = spentWei.ToString(CultureInfo.InvariantCulture) },
                transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static BigInteger Big(string value) => BigInteger.Parse(value, CultureInfo.InvariantCulture);
}
