using System.Globalization;
using System.Text;
using Oracle.Core.Merkle;

namespace Oracle.Core.Transparency;

/// <summary>
/// The body of a C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): the log's origin line, its tree size in decimal
/// and its RFC 9162 root in standard base64, each ending with a newline, then optional extension lines. This is the text
/// a <see cref="SignedNote"/> signs; transparency-log tooling (Go's <c>golang.org/x/mod/sumdb/tlog</c>, the
/// transparency-dev witnesses and monitors) reads it as is.
/// </summary>
/// <param name="Origin">The log's unique name: a schema-less URL, no whitespace or <c>+</c>.</param>
/// <param name="TreeSize">The number of leaves.</param>
/// <param name="Root">The root at that size (32 bytes).</param>
/// <param name="Extensions">Extension lines (without newlines), in order; empty for ours.</param>
public sealed record CheckpointBody(string Origin, ulong TreeSize, byte[] Root, IReadOnlyList<string> Extensions)
{
    /// <summary>A checkpoint without extension lines.</summary>
    public CheckpointBody(string origin, ulong treeSize, byte[] root)
        : this(origin, treeSize, root, [])
    {
    }

    /// <summary>The checkpoint's head.</summary>
    public TreeHead Head => new(TreeSize, Root);

    /// <summary>The body text, every line (the last included) ending with <c>\n</c>.</summary>
    /// <exception cref="ArgumentException">The origin or an extension line is empty or holds a newline, or the root is not 32 bytes.</exception>
    public string Format()
    {
        if (!IsValidOrigin(Origin))
        {
            throw new ArgumentException("a checkpoint origin is one non-empty line without spaces or '+'", nameof(Origin));
        }

        if (Root is not { Length: MerkleHash.Size })
        {
            throw new ArgumentException("a checkpoint root has 32 bytes", nameof(Root));
        }

        var text = new StringBuilder();
        text.Append(Origin).Append('\n');
        text.Append(TreeSize.ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append(Convert.ToBase64String(Root)).Append('\n');
        foreach (var extension in Extensions ?? [])
        {
            if (string.IsNullOrEmpty(extension) || extension.Contains('\n', StringComparison.Ordinal))
            {
                throw new ArgumentException("an extension line is non-empty and has no newline", nameof(Extensions));
            }

            text.Append(extension).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Parses a checkpoint body (the text a note signs).</summary>
    /// <returns>False when the text is not origin, decimal size and 32-byte base64 root lines (plus extensions), each newline-terminated.</returns>
    public static bool TryParse(string? body, out CheckpointBody? checkpoint)
    {
        checkpoint = null;
        if (string.IsNullOrEmpty(body) || !body.EndsWith('\n'))
        {
            return false;
        }

        var lines = body[..^1].Split('\n');
        if (lines.Length < 3 || !IsValidOrigin(lines[0]) || lines.Skip(3).Any(string.IsNullOrEmpty))
        {
            return false;
        }

        // Decimal without sign, leading zeros or spaces (C2SP: "ASCII decimal, no leading zeroes").
        if (lines[1].Length == 0 || (lines[1].Length > 1 && lines[1][0] == '0') || !lines[1].All(char.IsAsciiDigit)
            || !ulong.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            return false;
        }

        var root = new byte[MerkleHash.Size];
        if (!Convert.TryFromBase64String(lines[2], root, out var written) || written != MerkleHash.Size || Convert.ToBase64String(root) != lines[2])
        {
            return false;
        }

        checkpoint = new CheckpointBody(lines[0], size, root, lines[3..]);
        return true;
    }

    /// <summary>Whether <paramref name="origin"/> can be a checkpoint's origin line.</summary>
    public static bool IsValidOrigin(string? origin)
        => !string.IsNullOrEmpty(origin) && origin.All(c => c > ' ' && c != '+' && c != 0x7f);
}
