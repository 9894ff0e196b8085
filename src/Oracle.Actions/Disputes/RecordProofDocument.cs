using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Oracle.Actions.Sessions;
using Oracle.Chain.Contracts;

namespace Oracle.Actions.Disputes;

/// <summary>
/// A record proof (docs/protocol.md §7.4) as JSON: a denied flow record (the 95-byte leaf), its index and audit path in
/// the session's evidence log, and the client-signed voucher whose root the path leads to:
/// <c>{"leaf": "0x…", "leafIndex": 3, "auditPath": ["0x…"], "voucher": { voucher document }}</c>.
/// </summary>
/// <param name="Leaf">The encoded flow record.</param>
/// <param name="LeafIndex">Its index in the log.</param>
/// <param name="AuditPath">The RFC 9162 inclusion proof to the voucher's root.</param>
/// <param name="Voucher">The voucher (with the client's signature) that commits to the root.</param>
public sealed record RecordProofDocument(byte[] Leaf, ulong LeafIndex, IReadOnlyList<byte[]> AuditPath, VoucherDocument Voucher)
{
    /// <summary>The proof as the DisputeManager takes it.</summary>
    public RecordProof ToContract() => new()
    {
        Leaf = Leaf,
        LeafIndex = LeafIndex,
        AuditPath = [.. AuditPath],
        Voucher = Voucher.ToContract(),
        Signature = Voucher.Signature,
    };

    /// <summary>Reads a proof from <paramref name="file"/>.</summary>
    /// <exception cref="ActionFailedException">Missing or malformed (InvalidInput).</exception>
    public static RecordProofDocument Load(string file)
    {
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw ActionFailedException.InvalidInput($"record proof {file}: {e.Message}");
        }

        return Parse(text, file);
    }

    /// <summary>Reads a proof from JSON text.</summary>
    /// <exception cref="ActionFailedException">Malformed (InvalidInput, naming the field).</exception>
    public static RecordProofDocument Parse(string text, string source = "record proof")
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(text) as JsonObject ?? throw ActionFailedException.InvalidInput($"{source}: not a JSON object");
        }
        catch (JsonException e)
        {
            throw ActionFailedException.InvalidInput($"{source}: not JSON ({e.Message})");
        }

        byte[] Hex(JsonNode? node, string name, int? length)
        {
            var s = node?.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : null;
            try
            {
                var bytes = s is not null && s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? Convert.FromHexString(s[2..]) : throw new FormatException();
                return length is null || bytes.Length == length ? bytes : throw new FormatException();
            }
            catch (FormatException)
            {
                throw ActionFailedException.InvalidInput($"{source}: {name} must be 0x-hex{(length is null ? "" : $" of {length} bytes")}");
            }
        }

        var leaf = Hex(root["leaf"], "leaf", null);
        var index = root["leafIndex"] is { } i && ulong.TryParse(i.ToJsonString().Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var li)
            ? li
            : throw ActionFailedException.InvalidInput($"{source}: leafIndex must be a whole number");
        var path = root["auditPath"] as JsonArray ?? throw ActionFailedException.InvalidInput($"{source}: auditPath must be an array of 0x-hex hashes");
        var voucher = root["voucher"] as JsonObject ?? throw ActionFailedException.InvalidInput($"{source}: voucher is missing");
        return new RecordProofDocument(leaf, index, [.. path.Select((p, n) => Hex(p, $"auditPath[{n}]", 32))],
            VoucherDocument.Parse(voucher.ToJsonString(), $"{source}: voucher"));
    }
}
