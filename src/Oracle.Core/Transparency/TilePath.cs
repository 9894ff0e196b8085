using System.Globalization;
using System.Text;

namespace Oracle.Core.Transparency;

/// <summary>
/// Paths of C2SP tlog-tiles (https://c2sp.org/tlog-tiles): a tile at level <c>L</c> (height 8: it holds up to 256 hashes
/// of tree level <c>8·L</c>) and index <c>N</c> is <c>tile/L/N</c>, a partial one of width <c>W</c> (1–255 hashes, at the
/// right edge of the tree) <c>tile/L/N.p/W</c>, entry bundles are <c>tile/entries/N[.p/W]</c>; <c>N</c> is written in
/// 3-digit path elements, all but the last prefixed with <c>x</c> (1234067 → <c>x001/x234/067</c>).
/// </summary>
/// <param name="Level">The tile level (0 for leaf hashes); -1 for an entry bundle.</param>
/// <param name="Index">The tile index within its level.</param>
/// <param name="Width">The number of hashes or entries: 256 for a full tile.</param>
public readonly record struct TilePath(int Level, ulong Index, int Width)
{
    /// <summary>Hashes or entries in a full tile.</summary>
    public const int FullWidth = 256;

    /// <summary>Tree levels per tile level.</summary>
    public const int Height = 8;

    /// <summary>The <see cref="Level"/> of entry bundles.</summary>
    public const int EntriesLevel = -1;

    /// <summary>Whether this names an entry bundle.</summary>
    public bool IsEntries => Level == EntriesLevel;

    /// <summary>Whether the tile is full.</summary>
    public bool IsFull => Width == FullWidth;

    /// <summary>The path below the log's prefix, for example <c>tile/0/x001/x234/067.p/12</c>.</summary>
    public override string ToString()
    {
        var path = new StringBuilder("tile/").Append(IsEntries ? "entries" : Level.ToString(CultureInfo.InvariantCulture)).Append('/');
        path.Append(EncodeIndex(Index));
        if (!IsFull)
        {
            path.Append(".p/").Append(Width.ToString(CultureInfo.InvariantCulture));
        }

        return path.ToString();
    }

    /// <summary>Encodes a tile index in 3-digit path elements.</summary>
    public static string EncodeIndex(ulong index)
    {
        var groups = new List<string>();
        do
        {
            groups.Add((index % 1000).ToString("D3", CultureInfo.InvariantCulture));
            index /= 1000;
        }
        while (index > 0);

        groups.Reverse();
        return string.Join('/', groups.Select((g, i) => i < groups.Count - 1 ? "x" + g : g));
    }

    /// <summary>Parses the part of a tile path after <c>tile/</c> (for example <c>0/x001/x234/067.p/12</c> or <c>entries/000</c>).</summary>
    /// <returns>False when it is not a canonical tile path (levels 0–63).</returns>
    public static bool TryParse(string? path, out TilePath tile)
    {
        tile = default;
        var elements = path?.Split('/');
        if (elements is null || elements.Length < 2)
        {
            return false;
        }

        int level;
        if (elements[0] == "entries")
        {
            level = EntriesLevel;
        }
        else if (elements[0].Length is < 1 or > 2 || !elements[0].All(char.IsAsciiDigit) || (elements[0].Length > 1 && elements[0][0] == '0')
            || !int.TryParse(elements[0], NumberStyles.None, CultureInfo.InvariantCulture, out level) || level > 63)
        {
            return false;
        }

        var rest = elements[1..];
        var width = FullWidth;
        if (rest.Length >= 2 && rest[^2].EndsWith(".p", StringComparison.Ordinal))
        {
            var w = rest[^1];
            if (w.Length is < 1 or > 3 || w[0] == '0' || !w.All(char.IsAsciiDigit) || !int.TryParse(w, NumberStyles.None, CultureInfo.InvariantCulture, out width) || width >= FullWidth)
            {
                return false;
            }

            rest = [.. rest[..^2], rest[^2][..^2]];
        }

        ulong index = 0;
        for (var i = 0; i < rest.Length; i++)
        {
            var element = rest[i];
            var last = i == rest.Length - 1;
            if (!last)
            {
                if (!element.StartsWith('x'))
                {
                    return false;
                }

                element = element[1..];
            }

            if (element.Length != 3 || !element.All(char.IsAsciiDigit))
            {
                return false;
            }

            var value = ulong.Parse(element, NumberStyles.None, CultureInfo.InvariantCulture);
            if (index > (ulong.MaxValue - value) / 1000)
            {
                return false;
            }

            index = (index * 1000) + value;
        }

        // Canonical form only: no leading all-zero groups ("x000/001" is "001").
        if (rest.Length > 1 && rest[0] == "x000")
        {
            return false;
        }

        tile = new TilePath(level, index, width);
        return true;
    }
}
