using System.Globalization;
using System.Numerics;
using System.Text;

namespace Oracle.Actions.Units;

/// <summary>
/// An amount of an <see cref="Asset"/> in its base units, written and read in whole units with decimals
/// ("12.5 VPN" is 12.5 × 10^18 base units). Parsing is exact: no floating point, no rounding, no exponent notation.
/// </summary>
/// <param name="BaseUnits">The amount in base units (wei, satoshi, VPN × 10^-18); never negative.</param>
/// <param name="Asset">What it is an amount of.</param>
public readonly record struct TokenAmount(BigInteger BaseUnits, Asset Asset) : IComparable<TokenAmount>
{
    /// <summary>The largest uint96 (the contracts keep deposits, bonds, stakes and prices in 96 bits).</summary>
    public static readonly BigInteger MaxUint96 = (BigInteger.One << 96) - 1;

    /// <summary>The largest uint256.</summary>
    public static readonly BigInteger MaxUint256 = (BigInteger.One << 256) - 1;

    /// <summary>Whether the amount is zero.</summary>
    public bool IsZero => BaseUnits.IsZero;

    /// <summary>
    /// Reads a non-negative decimal amount in whole units: digits, at most one decimal point followed by at most
    /// <see cref="Asset.Decimals"/> digits ("12", "0.5", ".25", "1_000"). Signs, exponents, thousands commas, more
    /// decimals than the asset has, and values beyond uint256 are refused with the reason.
    /// </summary>
    public static bool TryParse(string? text, Asset asset, out TokenAmount amount, out string error)
    {
        ArgumentNullException.ThrowIfNull(asset);
        amount = default;
        var s = (text ?? "").Trim().Replace("_", "", StringComparison.Ordinal);
        if (s.EndsWith(asset.Symbol, StringComparison.OrdinalIgnoreCase))
        {
            s = s[..^asset.Symbol.Length].TrimEnd();
        }

        if (s.Length == 0)
        {
            error = $"an amount of {asset.Symbol} is needed, for example 12.5";
            return false;
        }

        if (s[0] == '-')
        {
            error = $"'{text}' is negative: amounts are never below zero";
            return false;
        }

        var point = s.IndexOf('.', StringComparison.Ordinal);
        var whole = point < 0 ? s : s[..point];
        var fraction = point < 0 ? "" : s[(point + 1)..];
        if ((whole.Length == 0 && fraction.Length == 0) || !IsDigits(whole) || !IsDigits(fraction))
        {
            error = $"'{text}' is not an amount of {asset.Symbol}: write digits with at most one decimal point, for example 12.5";
            return false;
        }

        if (fraction.Length > asset.Decimals)
        {
            error = $"'{text}' has {fraction.Length} decimals, but {asset.Symbol} has {asset.Decimals}";
            return false;
        }

        var digits = (whole.Length == 0 ? "0" : whole) + fraction.PadRight(asset.Decimals, '0');
        var value = BigInteger.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        if (value > MaxUint256)
        {
            error = $"'{text}' is larger than any amount the chain can hold";
            return false;
        }

        amount = new TokenAmount(value, asset);
        error = "";
        return true;
    }

    /// <summary>The amount in whole units, without trailing zeros ("12.5", "0.000001", "3").</summary>
    public string ToDecimalString()
    {
        var digits = BigInteger.Abs(BaseUnits).ToString(CultureInfo.InvariantCulture).PadLeft(Asset.Decimals + 1, '0');
        var whole = digits[..^Asset.Decimals];
        var fraction = Asset.Decimals == 0 ? "" : digits[^Asset.Decimals..].TrimEnd('0');
        var sb = new StringBuilder();
        if (BaseUnits.Sign < 0)
        {
            sb.Append('-');
        }

        sb.Append(whole);
        if (fraction.Length > 0)
        {
            sb.Append('.').Append(fraction);
        }

        return sb.ToString();
    }

    /// <summary>
    /// The amount with its symbol rounded (half away from zero) to at most <paramref name="decimals"/> decimals, for
    /// summaries read by people: "1000 VPN" for 1000.00000000000001 VPN (an exchange purchase's few base units of
    /// change), "0.450435 VPN". Where the exact amount matters (timelines, receipts, JSON) use <see cref="ToString"/>.
    /// </summary>
    public string ToRoundedString(int decimals)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(decimals);
        if (decimals >= Asset.Decimals)
        {
            return ToString();
        }

        var step = BigInteger.Pow(10, Asset.Decimals - decimals);
        var magnitude = BigInteger.Abs(BaseUnits);
        var rounded = (magnitude + step / 2) / step * step;
        return new TokenAmount(BaseUnits.Sign < 0 ? -rounded : rounded, Asset).ToString();
    }

    /// <summary>The amount with its symbol: "12.5 VPN".</summary>
    public override string ToString() => $"{ToDecimalString()} {Asset.Symbol}";

    /// <summary>Whether the amount fits the contracts' 96-bit fields.</summary>
    public bool FitsUint96 => BaseUnits <= MaxUint96;

    /// <summary>The sum of two amounts of one asset.</summary>
    public static TokenAmount operator +(TokenAmount a, TokenAmount b) => new(a.BaseUnits + b.BaseUnits, Same(a, b));

    /// <summary>The difference of two amounts of one asset.</summary>
    public static TokenAmount operator -(TokenAmount a, TokenAmount b) => new(a.BaseUnits - b.BaseUnits, Same(a, b));

    /// <inheritdoc />
    public int CompareTo(TokenAmount other) => BaseUnits.CompareTo(other.BaseUnits);

    /// <summary>Compares amounts.</summary>
    public static bool operator <(TokenAmount a, TokenAmount b) => a.CompareTo(b) < 0;

    /// <summary>Compares amounts.</summary>
    public static bool operator >(TokenAmount a, TokenAmount b) => a.CompareTo(b) > 0;

    /// <summary>Compares amounts.</summary>
    public static bool operator <=(TokenAmount a, TokenAmount b) => a.CompareTo(b) <= 0;

    /// <summary>Compares amounts.</summary>
    public static bool operator >=(TokenAmount a, TokenAmount b) => a.CompareTo(b) >= 0;

    private static Asset Same(TokenAmount a, TokenAmount b)
        => a.Asset == b.Asset ? a.Asset : throw new InvalidOperationException($"cannot combine {a.Asset.Symbol} and {b.Asset.Symbol}");

    private static bool IsDigits(string s)
    {
        foreach (var c in s)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }
}
