using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Oracle.Core.Policy;

/// <summary>An inclusive range of TCP or UDP ports, written <c>445</c> or <c>1000-2000</c>.</summary>
/// <param name="First">The first port.</param>
/// <param name="Last">The last port (at least <paramref name="First"/>).</param>
public readonly record struct PortRange(ushort First, ushort Last)
{
    /// <summary>Whether <paramref name="port"/> is in the range.</summary>
    public bool Contains(ushort port) => port >= First && port <= Last;

    /// <summary>Parses <c>N</c> or <c>N-M</c> (decimal, no leading zeros, N ≤ M ≤ 65535).</summary>
    public static bool TryParse(string text, out PortRange range, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        range = default;
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (!TryParsePort(dash < 0 ? text : text[..dash], out var first)
            || (dash >= 0 && !TryParsePort(text[(dash + 1)..], out _)))
        {
            error = $"'{text}' is not a port or port range (N or N-M, 0 to 65535)";
            return false;
        }

        var last = first;
        if (dash >= 0)
        {
            TryParsePort(text[(dash + 1)..], out last);
            if (last < first)
            {
                error = $"port range '{text}' ends before it starts";
                return false;
            }
        }

        range = new PortRange(first, last);
        error = null;
        return true;
    }

    /// <summary>The canonical text: <c>N</c> for a single port, else <c>N-M</c>.</summary>
    public override string ToString()
        => First == Last
            ? First.ToString(CultureInfo.InvariantCulture)
            : $"{First.ToString(CultureInfo.InvariantCulture)}-{Last.ToString(CultureInfo.InvariantCulture)}";

    private static bool TryParsePort(string text, out ushort port)
    {
        port = 0;
        return text.Length is > 0 and <= 5 && text.All(char.IsAsciiDigit) && (text.Length == 1 || text[0] != '0')
            && ushort.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port);
    }
}
