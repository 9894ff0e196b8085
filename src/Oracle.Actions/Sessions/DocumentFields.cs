using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Oracle.Actions.Units;

namespace Oracle.Actions.Sessions;

/// <summary>
/// Reads the fields of a portable JSON document the command line exchanges between parties (a voucher, a panel
/// acceptance): numbers given as JSON numbers or decimal strings, addresses, 0x-hex of a fixed length. Every error is
/// an <see cref="ActionFailedException"/> (InvalidInput) naming the document and the field.
/// </summary>
internal sealed class DocumentFields
{
    private readonly JsonObject _root;
    private readonly string _source;

    private DocumentFields(JsonObject root, string source)
    {
        _root = root;
        _source = source;
    }

    /// <summary>The document's top-level object.</summary>
    public JsonObject Root => _root;

    /// <summary>Parses <paramref name="text"/> as a JSON object; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="ActionFailedException">Not JSON, or not an object.</exception>
    public static DocumentFields Parse(string text, string source)
    {
        try
        {
            return JsonNode.Parse(text) is JsonObject root
                ? new DocumentFields(root, source)
                : throw ActionFailedException.InvalidInput($"{source}: not a JSON object");
        }
        catch (JsonException e)
        {
            throw ActionFailedException.InvalidInput($"{source}: not JSON ({e.Message})");
        }
    }

    /// <summary>Reads <paramref name="file"/> (<c>-</c>: standard input); errors name it after <paramref name="what"/>.</summary>
    /// <exception cref="ActionFailedException">Missing or unreadable.</exception>
    public static string ReadText(string file, string what)
    {
        try
        {
            return file == "-" ? Console.In.ReadToEnd() : File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw ActionFailedException.InvalidInput($"{what} {file}: {e.Message}");
        }
    }

    /// <summary>A field given as a string or a number, as text.</summary>
    public string Text(string name)
    {
        var node = _root[name] ?? throw Invalid($"field {name} is missing");
        return node.GetValueKind() switch
        {
            JsonValueKind.String => node.GetValue<string>(),
            JsonValueKind.Number => node.ToJsonString(),
            _ => throw Invalid($"field {name} must be a string or a number"),
        };
    }

    /// <summary>A whole number from 0 to <paramref name="max"/>.</summary>
    public BigInteger Integer(string name, BigInteger max)
        => BigInteger.TryParse(Text(name), NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v <= max
            ? v
            : throw Invalid($"{name} must be a whole number from 0 to {max}");

    /// <summary>An Ethereum address, checksummed.</summary>
    public string Address(string name)
        => Addresses.TryParse(Text(name), out var address, out var error) ? address : throw Invalid($"{name}: {error}");

    /// <summary>0x and exactly <paramref name="length"/> bytes of hex.</summary>
    public byte[] Hex(string name, int length)
    {
        var text = Text(name);
        try
        {
            var bytes = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? Convert.FromHexString(text[2..]) : throw new FormatException();
            return bytes.Length == length ? bytes : throw new FormatException();
        }
        catch (FormatException)
        {
            throw Invalid($"{name} must be 0x and {length * 2} hex digits");
        }
    }

    /// <summary>An error naming the document.</summary>
    public ActionFailedException Invalid(string message) => ActionFailedException.InvalidInput($"{_source}: {message}");
}
