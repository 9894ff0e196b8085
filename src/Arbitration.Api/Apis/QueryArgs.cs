using System.Numerics;
using System.Text.RegularExpressions;

namespace Arbitration.Api.Apis;

/// <summary>Checks of query and route values that typed binding cannot express, collecting one error per field.</summary>
public sealed partial class QueryArgs
{
    /// <summary>The default page size.</summary>
    public const int DefaultLimit = 50;

    /// <summary>The largest page size.</summary>
    public const int MaxLimit = 200;

    private readonly Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);

    /// <summary>Whether every value checked so far is valid.</summary>
    public bool IsValid => _errors.Count == 0;

    /// <summary>The invalid-request problem naming every invalid field.</summary>
    public Microsoft.AspNetCore.Http.IResult Problem() => Apis.Problem.Invalid(_errors);

    /// <summary>Records an error.</summary>
    public void Fail(string field, string error) => _errors[field] = [error];

    /// <summary>A page size: 1..<see cref="MaxLimit"/>, <see cref="DefaultLimit"/> when absent.</summary>
    public int Limit(int? limit)
    {
        if (limit is null)
        {
            return DefaultLimit;
        }

        if (limit is < 1 or > MaxLimit)
        {
            Fail("limit", $"between 1 and {MaxLimit}");
        }

        return Math.Clamp(limit.Value, 1, MaxLimit);
    }

    /// <summary>An Ethereum address (0x and 40 hex digits), or null when absent.</summary>
    public string? Address(string field, string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (!AddressPattern().IsMatch(value))
        {
            Fail(field, "an address: 0x and 40 hex digits");
            return null;
        }

        return value.ToLowerInvariant();
    }

    /// <summary>A cursor of <paramref name="parts"/> parts from a previous page, or null when absent.</summary>
    public string[]? Cursor(string? after, int parts)
    {
        if (after is null)
        {
            return null;
        }

        var decoded = ReadModel.PageCursor.Decode(after, parts);
        if (decoded is null)
        {
            Fail("after", "not a cursor of this list: pass the `next` of the previous page");
        }

        return decoded;
    }

    /// <summary>A numeric cursor (one id), or null.</summary>
    public long? IdCursor(string? after)
    {
        var parts = Cursor(after, 1);
        if (parts is null)
        {
            return null;
        }

        if (!long.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
        {
            Fail("after", "not a cursor of this list: pass the `next` of the previous page");
            return null;
        }

        return id;
    }

    /// <summary>One of <paramref name="allowed"/> (case-insensitive), as spelled there; null when absent.</summary>
    public string? OneOf(string field, string? value, params string[] allowed)
    {
        if (value is null)
        {
            return null;
        }

        var match = allowed.FirstOrDefault(a => string.Equals(a, value, StringComparison.OrdinalIgnoreCase));
        if (match is null)
        {
            Fail(field, "one of " + string.Join(", ", allowed));
        }

        return match;
    }

    /// <summary>A non-negative integer amount in decimal, or null when absent.</summary>
    public BigInteger? Amount(string field, string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Length is 0 or > 78 || !value.All(char.IsAsciiDigit))
        {
            Fail(field, "a non-negative integer in decimal (base units)");
            return null;
        }

        return BigInteger.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("^0x[0-9a-fA-F]{40}$")]
    private static partial Regex AddressPattern();
}
