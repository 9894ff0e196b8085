using System.Globalization;
using System.Text.Json;
using Nethereum.Util;

namespace OracleNode.Evidence;

/// <summary>
/// The machine-readable part (<c>oracle</c>) of an ERC-1497-style evidence document (docs/protocol.md §8.1): the session
/// it is about, the session's policy, the records it relies on and the evidence key disclosed to committee members.
/// </summary>
internal sealed record EvidenceDocument(
    ulong ChainId,
    string SessionManager,
    ulong SessionId,
    string? PolicyJson,
    IReadOnlyList<ulong> Records,
    IReadOnlyList<KeyDisclosure> Disclosures)
{
    /// <summary>The most records one document may name.</summary>
    public const int MaxRecords = 64;

    /// <summary>
    /// Parses a document; a document that is not JSON, has no <c>oracle</c> object of version 1, or a field of the wrong
    /// shape is refused with the reason.
    /// </summary>
    public static bool TryParse(byte[] utf8, out EvidenceDocument? document, out string error)
    {
        document = null;
        try
        {
            using var json = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = 64 });
            if (json.RootElement.ValueKind != JsonValueKind.Object || !json.RootElement.TryGetProperty("oracle", out var oracle) || oracle.ValueKind != JsonValueKind.Object)
            {
                error = "no \"oracle\" object";
                return false;
            }

            if (!oracle.TryGetProperty("version", out var version) || !version.TryGetInt32(out var v) || v != 1)
            {
                error = "\"oracle.version\" is not 1";
                return false;
            }

            if (!TryUInt64(oracle, "chainId", out var chainId) || !TryUInt64(oracle, "sessionId", out var sessionId)
                || !oracle.TryGetProperty("sessionManager", out var manager) || manager.ValueKind != JsonValueKind.String
                || !AddressUtil.Current.IsValidEthereumAddressHexFormat(manager.GetString()))
            {
                error = "\"oracle.chainId\", \"oracle.sessionManager\" or \"oracle.sessionId\" missing or malformed";
                return false;
            }

            string? policy = null;
            if (oracle.TryGetProperty("policy", out var p) && p.ValueKind != JsonValueKind.Null)
            {
                if (p.ValueKind != JsonValueKind.Object)
                {
                    error = "\"oracle.policy\" is not an object";
                    return false;
                }

                policy = p.GetRawText();
            }

            var records = new List<ulong>();
            if (oracle.TryGetProperty("records", out var r) && r.ValueKind != JsonValueKind.Null)
            {
                if (r.ValueKind != JsonValueKind.Array || r.GetArrayLength() > MaxRecords)
                {
                    error = $"\"oracle.records\" is not an array of at most {MaxRecords} leaf indices";
                    return false;
                }

                foreach (var item in r.EnumerateArray())
                {
                    if (!item.TryGetUInt64(out var index))
                    {
                        error = "\"oracle.records\" holds something that is not a leaf index";
                        return false;
                    }

                    records.Add(index);
                }
            }

            var disclosures = new List<KeyDisclosure>();
            if (oracle.TryGetProperty("disclosures", out var d) && d.ValueKind != JsonValueKind.Null)
            {
                if (d.ValueKind != JsonValueKind.Array || d.GetArrayLength() > 1024)
                {
                    error = "\"oracle.disclosures\" is not an array (of at most 1024)";
                    return false;
                }

                foreach (var item in d.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.Object
                        || !item.TryGetProperty("recipient", out var recipient) || recipient.ValueKind != JsonValueKind.String || !AddressUtil.Current.IsValidEthereumAddressHexFormat(recipient.GetString())
                        || !item.TryGetProperty("key", out var key) || key.ValueKind != JsonValueKind.String || !key.TryGetBytesFromBase64(out var bytes))
                    {
                        error = "a disclosure is not {\"recipient\": address, \"key\": base64}";
                        return false;
                    }

                    disclosures.Add(new KeyDisclosure(recipient.GetString()!.ToLowerInvariant(), bytes));
                }
            }

            document = new EvidenceDocument(chainId, manager.GetString()!.ToLowerInvariant(), sessionId, policy, records, disclosures);
            error = "";
            return true;
        }
        catch (JsonException e)
        {
            error = "not JSON: " + e.Message;
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
