using System.Globalization;
using System.Numerics;

namespace OracleNode.Commands;

/// <summary>VPN token amounts as people write them (<c>1000</c>, <c>0.5</c>, <c>1_000.25</c>) and as the chain counts them (18 decimals).</summary>
internal static class VpnAmount
{
    public const int Decimals = 18;

    public static readonly BigInteger One = BigInteger.Pow(10, Decimals);

    /// <summary>Parses a positive amount with at most 18 decimals.</summary>
    public static bool TryParse(string? text, out BigInteger amount, out string error)
    {
        amount = 0;
        var s = (text ?? "").Trim().Replace("_", "", StringComparison.Ordinal);
        if (s.EndsWith("VPN", StringComparison.OrdinalIgnoreCase))
        {
            s = s[..^3].TrimEnd();
        }

        var parts = s.Split('.');
        if (s.Length == 0 || parts.Length > 2 || parts[0].Length == 0 && (parts.Length == 1 || parts[1].Length == 0)
            || !parts.All(p => p.All(char.IsAsciiDigit)))
        {
            error = $"'{text}' is not an amount of VPN (for example 1000 or 2.5)";
            return false;
        }

        var fraction = parts.Length == 2 ? parts[1] : "";
        if (fraction.Length > Decimals)
        {
            error = $"'{text}' has more than {Decimals} decimals";
            return false;
        }

        amount = BigInteger.Parse(parts[0].Length == 0 ? "0" : parts[0], CultureInfo.InvariantCulture) * One
            + (fraction.Length == 0 ? 0 : BigInteger.Parse(fraction.PadRight(Decimals, '0'), CultureInfo.InvariantCulture));
        if (amount <= 0)
        {
            error = $"'{text}' is not a positive amount";
            return false;
        }

        error = "";
        return true;
    }

    /// <summary>Base units as VPN with the decimals that are not zero (<c>1000.5</c>).</summary>
    public static string Format(BigInteger units)
    {
        var negative = units < 0;
        var abs = BigInteger.Abs(units);
        var whole = BigInteger.DivRem(abs, One, out var rest);
        var text = whole.ToString("N0", CultureInfo.InvariantCulture);
        if (rest != 0)
        {
            text += "." + rest.ToString(CultureInfo.InvariantCulture).PadLeft(Decimals, '0').TrimEnd('0');
        }

        return (negative ? "-" : "") + text;
    }

    /// <summary>Base units as a double of whole VPN (metrics).</summary>
    public static double ToDouble(BigInteger units) => (double)units / (double)One;
}
