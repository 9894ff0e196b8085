using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Nethereum.Hex.HexConvertors.Extensions;

namespace Arbitration.Api.Apis;

/// <summary>
/// Reads a JSON request body field by field, collecting one error per field path (<c>filing.sessionId</c>), so a client
/// learns everything wrong at once. Unknown members are errors: a typo must not be silently ignored. Integers may be JSON
/// numbers or decimal strings (integers above 2^53 must be strings to survive JavaScript).
/// </summary>
public sealed class JsonBody
{
    private readonly Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);

    /// <summary>Whether no error was found.</summary>
    public bool IsValid => _errors.Count == 0;

    /// <summary>The errors by field path.</summary>
    public IDictionary<string, string[]> Errors => _errors;

    /// <summary>Records an error (the first per field wins).</summary>
    public void Fail(string path, string error) => _errors.TryAdd(path, [error]);

    /// <summary>The object at <paramref name="path"/>, checking that it has only <paramref name="allowed"/> members.</summary>
    public JsonElement? Object(JsonElement? value, string path, params string[] allowed)
    {
        if (value is not { } v || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.Object)
        {
            Fail(path, "an object");
            return null;
        }

        // A member named twice is refused: parsers disagree on which one counts, and a signed body must mean one thing.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in v.EnumerateObject())
        {
            if (!allowed.Contains(member.Name, StringComparer.Ordinal))
            {
                Fail(Join(path, member.Name), "unknown member; allowed: " + string.Join(", ", allowed));
            }
            else if (!seen.Add(member.Name))
            {
                Fail(Join(path, member.Name), "given more than once");
            }
        }

        return v;
    }

    /// <summary>The member <paramref name="name"/> of <paramref name="obj"/>, or null when absent or null.</summary>
    public static JsonElement? Member(JsonElement? obj, string name)
        => obj is { } o && o.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    /// <summary>A required member.</summary>
    public JsonElement? Required(JsonElement? obj, string path, string name)
    {
        var value = Member(obj, name);
        if (value is null && obj is not null)
        {
            Fail(Join(path, name), "required");
        }

        return value;
    }

    /// <summary>An unsigned integer of at most <paramref name="bits"/> bits.</summary>
    public BigInteger? Unsigned(JsonElement? value, string path, int bits)
    {
        if (value is not { } v)
        {
            return null;
        }

        var text = v.ValueKind switch
        {
            JsonValueKind.Number => v.GetRawText(),
            JsonValueKind.String => v.GetString(),
            _ => null,
        };
        if (text is null || text.Length is 0 or > 80 || !text.All(char.IsAsciiDigit))
        {
            Fail(path, $"an unsigned integer (uint{bits}) as a JSON number or decimal string");
            return null;
        }

        var n = BigInteger.Parse(text, CultureInfo.InvariantCulture);
        if (n >= BigInteger.One << bits)
        {
            Fail(path, $"at most 2^{bits} - 1 (uint{bits})");
            return null;
        }

        return n;
    }

    /// <summary>0x-prefixed hex of exactly <paramref name="length"/> bytes (any length when null, up to <paramref name="maxLength"/>).</summary>
    public byte[]? Hex(JsonElement? value, string path, int? length, int maxLength = 4096)
    {
        if (value is not { } v)
        {
            return null;
        }

        var text = v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var expected = length is { } n ? $"0x and {2 * n} hex digits" : "0x-prefixed hex";
        if (text is null || !text.StartsWith("0x", StringComparison.Ordinal) || text.Length % 2 != 0 || text.Length > 2 + 2 * maxLength
            || !IsHex(text.AsSpan(2)) || (length is { } l && text.Length != 2 + 2 * l))
        {
            Fail(path, expected);
            return null;
        }

        return text.HexToByteArray();
    }

    /// <summary>An address (0x and 40 hex digits), lower case.</summary>
    public string? Address(JsonElement? value, string path)
    {
        var bytes = Hex(value, path, 20);
        return bytes is null ? null : bytes.ToHex(true);
    }

    /// <summary>A string of at most <paramref name="maxLength"/> characters, without control characters.</summary>
    public string? Text(JsonElement? value, string path, int maxLength, bool allowEmpty = false)
    {
        if (value is not { } v)
        {
            return null;
        }

        var text = v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        if (text is null || text.Length > maxLength || (!allowEmpty && text.Length == 0) || text.Any(char.IsControl))
        {
            Fail(path, $"a string of {(allowEmpty ? 0 : 1)} to {maxLength} characters without control characters");
            return null;
        }

        return text;
    }

    /// <summary>An array of at most <paramref name="maxItems"/> items.</summary>
    public IReadOnlyList<JsonElement>? Array(JsonElement? value, string path, int maxItems)
    {
        if (value is not { } v)
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() > maxItems)
        {
            Fail(path, $"an array of at most {maxItems} items");
            return null;
        }

        return v.EnumerateArray().ToList();
    }

    /// <summary>Whether every character is a hex digit.</summary>
    public static bool IsHex(ReadOnlySpan<char> text) => text.IndexOfAnyExcept("0123456789abcdefABCDEF") < 0;

    /// <summary>A path below <paramref name="path"/>.</summary>
    public static string Join(string path, string member) => path.Length == 0 ? member : path + "." + member;
}
