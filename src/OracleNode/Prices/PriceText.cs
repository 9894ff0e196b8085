using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace OracleNode.Prices;

/// <summary>
/// Reads a price from a source's content: a decimal number (<c>0.0001</c>, also in exponent notation) or a JSON object
/// holding it in a field (a number or a decimal string), optionally with <c>updatedAt</c> (Unix seconds). The price is
/// the quote asset (ETH) per whole base unit, returned scaled by 10^18 as the feeds take it.
/// </summary>
internal static class PriceText
{
    public static readonly BigInteger Scale = BigInteger.Pow(10, 18);

    public static bool TryParse(string content, string? field, out BigInteger price, out long? updatedAt, out string error)
    {
        price = 0;
        updatedAt = null;
        var text = content.Trim();
        if (field is not null)
        {
            try
            {
                using var json = JsonDocument.Parse(text);
                if (json.RootElement.ValueKind != JsonValueKind.Object || !json.RootElement.TryGetProperty(field, out var value))
                {
                    error = $"no field \"{field}\"";
                    return false;
                }

                text = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
                if (json.RootElement.TryGetProperty("updatedAt", out var at) && at.TryGetInt64(out var t))
                {
                    updatedAt = t;
                }
            }
            catch (JsonException e)
            {
                error = "not JSON: " + e.Message;
                return false;
            }
        }

        if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || number <= 0)
        {
            error = $"'{(text.Length > 40 ? text[..40] + "..." : text)}' is not a positive price";
            return false;
        }

        // decimal keeps 28 significant digits: exact for any price written with at most 18 decimals.
        price = new BigInteger(decimal.Truncate(number)) * Scale + new BigInteger((number - decimal.Truncate(number)) * 1_000_000_000_000_000_000m);
        if (price <= 0)
        {
            error = "the price is below 10^-18";
            return false;
        }

        error = "";
        return true;
    }
}
