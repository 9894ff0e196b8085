using System.Globalization;
using System.Text.Json;
using Nethereum.Util;

namespace OracleNode.Evidence;

/// <summary>
/// The fields of an ERC-1497 evidence document an oracle reads (docs/protocol.md §8.1): the session (and dispute) it is
/// about, the session's policy, the records it relies on and the evidence key disclosed to committee members. Fields a
/// node does not know are ignored.
/// </summary>
internal sealed record EvidenceDocument(
    ulong SessionId,
    ulong? DisputeId,
    string? PolicyJson,
    IReadOnlyList<ulong> Records,
    IReadOnlyList<KeyDisclosure> Disclosures)
{
    /// <summary>The most records one document may name.</summary>
    public const int MaxRecords = 64;

    /// <summary>The most key disclosures one document may carry.</summary>
    public const int MaxDisclosures = 1024;

    /// <summary>Parses a document; one that is not a JSON object, or has a field of the wrong shape, is refused with the reason.</summary>
    public static bool TryParse(byte[] utf8, out EvidenceDocument? document, out string error)
    {
        document = null;
        try
        {
            using var json = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = 64 });
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "not a JSON object";
                return false;
            }

            if (!TryUInt64(root, "sessionId", out var sessionId))
            {
                error = "\"sessionId\" missing or not a decimal number";
                return false;
            }

            ulong? disputeId = null;
            if (root.TryGetProperty("disputeId", out var d) && d.ValueKind != JsonValueKind.Null)
            {
                if (!TryUInt64(root, "disputeId", out var value))
                {
                    error = "\"disputeId\" is not a decimal number";
                    return false;
                }

                disputeId = value;
            }

            string? policy = null;
            if (root.TryGetProperty("policy", out var p) && p.ValueKind != JsonValueKind.Null)
            {
                if (p.ValueKind != JsonValueKind.Object)
                {
                    error = "\"policy\" is not an object";
                    return false;
                }

                policy = p.GetRawText();
            }

            var records = new List<ulong>();
            if (root.TryGetProperty("records", out var r) && r.ValueKind != JsonValueKind.Null)
            {
                if (r.ValueKind != JsonValueKind.Array || r.GetArrayLength() > MaxRecords)
                {
                    error = $"\"records\" is not an array of at most {MaxRecords} leaf indices";
                    return false;
                }

                foreach (var item in r.EnumerateArray())
                {
                    if (!item.TryGetUInt64(out var index))
                    {
                        error = "\"records\" holds something that is not a leaf index";
                        return false;
                    }

                    records.Add(index);
                }
            }

            var disclosures = new List<KeyDisclosure>();
            if (root.TryGetProperty("keyDisclosures", out var k) && k.ValueKind != JsonValueKind.Null)
            {
                if (k.ValueKind != JsonValueKind.Array || k.GetArrayLength() > MaxDisclosures)
                {
                    error = $"\"keyDisclosures\" is not an array (of at most {MaxDisclosures})";
                    return false;
                }

                foreach (var item in k.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.Object
                        || !item.TryGetProperty("recipient", out var recipient) || recipient.ValueKind != JsonValueKind.String || !AddressUtil.Current.IsValidEthereumAddressHexFormat(recipient.GetString())
                        || !item.TryGetProperty("disclosure", out var sealedKey) || sealedKey.ValueKind != JsonValueKind.String || !TryHex(sealedKey.GetString()!, out var bytes))
                    {
                        error = "a key disclosure is not {\"recipient\": address, \"disclosure\": 0x-hex}";
                        return false;
                    }

                    disclosures.Add(new KeyDisclosure(recipient.GetString()!.ToLowerInvariant(), bytes));
                }
            }

            document = new EvidenceDocument(sessionId, disputeId, policy, records, disclosures);
            error = "";
            return true;
        }
        catch (JsonException e)
        {
            error = "not JSON: " + e.Message;
            return false;
        }
    }

    private static bool TryHex(string text, out byte[] bytes)
    {
        bytes = [];
        if (!text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) || text.Length % 2 != 0 || text.Length > 2 + 2048)
        {
            return false;
        }

        try
        {
            bytes = Convert.FromHexString(text.AsSpan(2));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static bool TryUInt64(JsonElement element, string name, out ulong value)
    {
        value = 0;
        return element.TryGetProperty(name, out var p)
            && (p.ValueKind == JsonValueKind.Number ? p.TryGetUInt64(out value) : p.ValueKind == JsonValueKind.String && ulong.TryParse(p.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out value));
    }
}
