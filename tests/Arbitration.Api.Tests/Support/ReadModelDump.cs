using Npgsql;

namespace Arbitration.Api.Tests.Support;

/// <summary>Every row of the read model as text, in key order (times of writing left out): two dumps are equal when the read models are.</summary>
internal static class ReadModelDump
{
    private static readonly string[] Tables =
    [
        "indexer_head", "events", "providers", "sessions", "disputes", "dispute_rounds", "votes", "credits", "oracles", "price_rounds",
        "exchange_references", "collectors", "anchors",
    ];

    public static async Task<string> TakeAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var dump = new System.Text.StringBuilder();
        foreach (var table in Tables)
        {
            await using var command = new NpgsqlCommand($"SELECT (to_jsonb(t) - 'updated_at')::text FROM arbitration.{table} t ORDER BY 1", connection);
            await using var reader = await command.ExecuteReaderAsync();
            dump.Append(table).Append('\n');
            while (await reader.ReadAsync())
            {
                dump.Append(reader.GetString(0)).Append('\n');
            }
        }

        return dump.ToString();
    }
}
