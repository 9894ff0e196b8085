using System.Globalization;
using Oracle.Actions;
using Oracle.Actions.Units;

namespace Oracle.Cli.Hosting;

/// <summary>Reads the values of options the parser leaves as text (amounts, percentages, hashes), with one-line errors.</summary>
internal static class Arguments
{
    public static TokenAmount Amount(string? text, Asset asset, string option)
        => TokenAmount.TryParse(text, asset, out var amount, out var error)
            ? amount
            : throw new ActionFailedException(new ActionError(ActionErrorKind.InvalidInput, $"{option}: {error}"));

    public static TokenAmount? OptionalAmount(string? text, Asset asset, string option) => text is null ? null : Amount(text, asset, option);

    /// <summary>"0.5", "0.5%" → 50 basis points.</summary>
    public static int Percent(string? text, string option)
    {
        var s = (text ?? "").Trim().TrimEnd('%');
        return decimal.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var percent) && percent is >= 0 and <= 50
            ? (int)(percent * 100)
            : throw new ActionFailedException(new ActionError(ActionErrorKind.InvalidInput, $"{option}: '{text}' is not a percentage from 0 to 50 (for example 0.5)"));
    }

    public static byte[] Hash32(string? text, string option)
    {
        var s = (text ?? "").Trim();
        try
        {
            var bytes = s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? Convert.FromHexString(s[2..]) : throw new FormatException();
            return bytes.Length == 32 ? bytes : throw new FormatException();
        }
        catch (FormatException)
        {
            throw new ActionFailedException(new ActionError(ActionErrorKind.InvalidInput, $"{option}: '{text}' is not 0x and 64 hex digits"));
        }
    }

    public static Asset Counter(string? text, string option) => (text ?? "").Trim().ToLowerInvariant() switch
    {
        "eth" => Asset.Eth,
        "wbtc" or "btc" => Asset.WrappedBtc,
        _ => throw new ActionFailedException(new ActionError(ActionErrorKind.InvalidInput, $"{option}: '{text}' is neither eth nor wbtc")),
    };

    /// <summary>Values of a repeatable option, each possibly comma-separated: "a,b" "c" → a, b, c.</summary>
    public static IReadOnlyList<string> List(string[]? values)
        => [.. (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];

    /// <summary>"90s", "30m", "2h", "7d", or seconds → a duration.</summary>
    public static TimeSpan Duration(string? text, string option)
    {
        var s = (text ?? "").Trim().ToLowerInvariant();
        var unit = s.Length > 0 && char.IsLetter(s[^1]) ? s[^1] : 's';
        var number = char.IsLetter(unit) && s.Length > 0 && char.IsLetter(s[^1]) ? s[..^1] : s;
        if (!long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 365L * 24 * 3600)
        {
            throw new ActionFailedException(new ActionError(ActionErrorKind.InvalidInput, $"{option}: '{text}' is not a duration (for example 90s, 30m, 2h, 7d)"));
        }

        return unit switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            _ => throw new ActionFailedException(new ActionError(ActionErrorKind.InvalidInput, $"{option}: '{text}' is not a duration (for example 90s, 30m, 2h, 7d)")),
        };
    }

    public static string Time(DateTimeOffset? t) => t is null ? "-" : t.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
