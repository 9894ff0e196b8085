using System.Text;

namespace Oracle.Core.Transparency;

/// <summary>
/// A C2SP signed note (https://c2sp.org/signed-note): a UTF-8 text ending with a newline, a blank line, and one or more
/// signature lines <c>— &lt;key name&gt; &lt;base64(4-byte key id ‖ signature)&gt;</c> (the dash is U+2014). The
/// evidence collector signs each head of its global log as a note whose text is a <see cref="CheckpointBody"/>.
/// </summary>
/// <param name="Text">The signed text, ending with a newline.</param>
/// <param name="Signatures">The signature lines, in order.</param>
public sealed record SignedNote(string Text, IReadOnlyList<NoteSignature> Signatures)
{
    private const string Dash = "\u2014 ";

    /// <summary>The whole note: text, blank line, signature lines (each ending with a newline).</summary>
    public string Format()
    {
        var note = new StringBuilder(Text).Append('\n');
        foreach (var s in Signatures)
        {
            note.Append(Dash).Append(s.Name).Append(' ').Append(Convert.ToBase64String([.. s.KeyId, .. s.Signature])).Append('\n');
        }

        return note.ToString();
    }

    /// <summary>Parses a note; false when it is not text, blank line and at least one well-formed signature line.</summary>
    public static bool TryParse(string? note, out SignedNote? signed)
    {
        signed = null;
        if (string.IsNullOrEmpty(note) || !note.EndsWith('\n'))
        {
            return false;
        }

        var split = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0)
        {
            return false;
        }

        var text = note[..(split + 1)];
        var signatures = new List<NoteSignature>();
        foreach (var line in note[(split + 2)..^1].Split('\n'))
        {
            if (!line.StartsWith(Dash, StringComparison.Ordinal))
            {
                return false;
            }

            var parts = line[Dash.Length..].Split(' ');
            if (parts.Length != 2 || parts[0].Length == 0)
            {
                return false;
            }

            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(parts[1]);
            }
            catch (FormatException)
            {
                return false;
            }

            if (bytes.Length < 5)
            {
                return false;
            }

            signatures.Add(new NoteSignature(parts[0], bytes[..4], bytes[4..]));
        }

        if (signatures.Count == 0 || text.Length == 0)
        {
            return false;
        }

        signed = new SignedNote(text, signatures);
        return true;
    }
}
