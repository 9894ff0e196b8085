using System.Text.Json;
using Arbitration.Api.Apis;

namespace Arbitration.Api.Evidence;

/// <summary>Reads and checks the fields of a posted evidence bundle (<see cref="EvidenceBundle"/>).</summary>
internal static class EvidenceBundleReader
{
    /// <summary>The size of a key disclosure: version, uncompressed ephemeral key, encrypted 32-byte key, GCM tag.</summary>
    public const int DisclosureSize = 1 + 65 + 32 + 16;

    /// <summary>The most disclosures a bundle carries (the largest committee: 23 seats).</summary>
    public const int MaxDisclosures = 64;

    public static ParsedBundle? Read(JsonElement root, JsonBody body)
    {
        var bundle = body.Object(root, "", "name", "description", "fileURI", "fileHash", "fileTypeExtension", "sessionId", "disputeId", "keyDisclosures");
        if (bundle is null)
        {
            body.Fail("$", "an object");
            return null;
        }

        body.Text(body.Required(bundle, "", "name"), "name", 200);
        body.Text(body.Required(bundle, "", "description"), "description", 20_000);
        body.Text(JsonBody.Member(bundle, "fileURI"), "fileURI", 2048);
        body.Text(JsonBody.Member(bundle, "fileHash"), "fileHash", 200);
        body.Text(JsonBody.Member(bundle, "fileTypeExtension"), "fileTypeExtension", 20);
        var sessionId = body.Unsigned(body.Required(bundle, "", "sessionId"), "sessionId", 63);
        var disputeId = body.Unsigned(JsonBody.Member(bundle, "disputeId"), "disputeId", 63);
        var recipients = new List<string>();
        var disclosures = body.Array(JsonBody.Member(bundle, "keyDisclosures"), "keyDisclosures", MaxDisclosures);
        for (var i = 0; disclosures is not null && i < disclosures.Count; i++)
        {
            var path = $"keyDisclosures[{i}]";
            var item = body.Object(disclosures[i], path, "recipient", "disclosure");
            if (item is null)
            {
                body.Fail(path, "an object {recipient, disclosure}");
                continue;
            }

            var recipient = body.Address(body.Required(item, path, "recipient"), path + ".recipient");
            var disclosure = body.Hex(body.Required(item, path, "disclosure"), path + ".disclosure", DisclosureSize);
            if (disclosure is not null && (disclosure[0] != 1 || disclosure[1] != 0x04))
            {
                body.Fail(path + ".disclosure", "version 1 with an uncompressed ephemeral key (0x0104…)");
            }

            if (recipient is not null)
            {
                if (recipients.Contains(recipient))
                {
                    body.Fail(path + ".recipient", "one disclosure per recipient");
                }

                recipients.Add(recipient);
            }
        }

        if (disclosures is { Count: > 0 } && disputeId is null)
        {
            body.Fail("disputeId", "required with key disclosures: they are for the dispute's committee");
        }

        return body.IsValid ? new ParsedBundle((long)sessionId!.Value, disputeId is { } d ? (long)d : null, recipients) : null;
    }
}
