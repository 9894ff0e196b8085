using System.Text.Json;
using Arbitration.Api.Apis;
using Nethereum.Hex.HexConvertors.Extensions;
using Oracle.Chain.Contracts;
using Oracle.Chain.Model;

namespace Arbitration.Api.Filing;

/// <summary>Reads and checks every field of a <c>POST /disputes</c> body (<see cref="FilingRequest"/>).</summary>
internal static class FilingReader
{
    /// <summary>The longest evidence URI accepted.</summary>
    public const int MaxEvidenceUri = 2048;

    /// <summary>The longest audit path: a log of 2^64 leaves.</summary>
    public const int MaxAuditPath = 64;

    public static SignedFiling? Read(JsonElement root, JsonBody body)
    {
        var request = body.Object(root, "", "filer", "filing", "signature", "permit", "proof");
        if (request is null)
        {
            body.Fail("$", "an object {filer, filing, signature, permit, proof}");
            return null;
        }

        var filer = body.Address(body.Required(request, "", "filer"), "filer");
        var signature = body.Hex(body.Required(request, "", "signature"), "signature", 65);
        var filing = body.Object(body.Required(request, "", "filing"), "filing", "sessionId", "claimType", "ruleId", "evidenceHash", "evidenceUri", "nonce", "deadline");
        var sessionId = body.Unsigned(body.Required(filing, "filing", "sessionId"), "filing.sessionId", 64);
        var claimType = ClaimTypeOf(body.Required(filing, "filing", "claimType"), body);
        var ruleId = body.Unsigned(body.Required(filing, "filing", "ruleId"), "filing.ruleId", 32);
        var evidenceHash = body.Hex(body.Required(filing, "filing", "evidenceHash"), "filing.evidenceHash", 32);
        var evidenceUri = body.Text(body.Required(filing, "filing", "evidenceUri"), "filing.evidenceUri", MaxEvidenceUri);
        var nonce = body.Unsigned(body.Required(filing, "filing", "nonce"), "filing.nonce", 256);
        var deadline = body.Unsigned(body.Required(filing, "filing", "deadline"), "filing.deadline", 64);
        var permit = ReadPermit(JsonBody.Member(request, "permit"), body);
        var proof = ReadProof(JsonBody.Member(request, "proof"), body);
        if (proof is not null && claimType is not null and not ClaimType.ClientBreachedPolicy)
        {
            body.Fail("proof", "record proofs belong to ClientBreachedPolicy claims only");
        }

        if (!body.IsValid)
        {
            return null;
        }

        return new SignedFiling(filer!, (ulong)sessionId!.Value, claimType!.Value, (uint)ruleId!.Value, evidenceHash!, evidenceUri!, nonce!.Value,
            (ulong)deadline!.Value, signature!.ToHex(true), permit, proof);
    }

    private static ClaimType? ClaimTypeOf(JsonElement? value, JsonBody body)
    {
        if (value is not { } v)
        {
            return null;
        }

        if (v.ValueKind == JsonValueKind.String && Enum.TryParse<ClaimType>(v.GetString(), ignoreCase: false, out var named)
            && named != ClaimType.None && Enum.IsDefined(named) && !char.IsAsciiDigit(v.GetString()![0]))
        {
            return named;
        }

        if (v.ValueKind == JsonValueKind.Number && v.TryGetByte(out var number) && number is >= 1 and <= 4)
        {
            return (ClaimType)number;
        }

        body.Fail("filing.claimType", "ClientBreachedPolicy, ProviderBreachedPolicy, ProviderOvercharged or ProviderWithheldService (or 1 to 4)");
        return null;
    }

    private static SignedPermit? ReadPermit(JsonElement? value, JsonBody body)
    {
        var permit = body.Object(value, "permit", "value", "deadline", "signature");
        if (permit is null)
        {
            return null;
        }

        var amount = body.Unsigned(body.Required(permit, "permit", "value"), "permit.value", 256);
        var deadline = body.Unsigned(body.Required(permit, "permit", "deadline"), "permit.deadline", 256);
        var signature = body.Hex(body.Required(permit, "permit", "signature"), "permit.signature", 65);
        if (signature is not null && signature[64] is not (27 or 28))
        {
            body.Fail("permit.signature", "v (the last byte) must be 27 or 28");
        }

        return amount is null || deadline is null || signature is null
            ? null
            : new SignedPermit(amount.Value, deadline.Value, signature[64], signature[..32], signature[32..64], signature.ToHex(true));
    }

    /// <summary>Reads a record proof (<c>proof</c> of the body), or null when absent or invalid (errors in <paramref name="body"/>).</summary>
    public static RecordProof? ReadProof(JsonElement? value, JsonBody body)
    {
        var proof = body.Object(value, "proof", "leaf", "leafIndex", "auditPath", "voucher", "signature");
        if (proof is null)
        {
            return null;
        }

        var leaf = body.Hex(body.Required(proof, "proof", "leaf"), "proof.leaf", null, 1024);
        var leafIndex = body.Unsigned(body.Required(proof, "proof", "leafIndex"), "proof.leafIndex", 64);
        var path = body.Array(body.Required(proof, "proof", "auditPath"), "proof.auditPath", MaxAuditPath);
        var auditPath = new List<byte[]>();
        for (var i = 0; path is not null && i < path.Count; i++)
        {
            if (body.Hex(path[i], $"proof.auditPath[{i}]", 32) is { } hash)
            {
                auditPath.Add(hash);
            }
        }

        var voucher = body.Object(body.Required(proof, "proof", "voucher"), "proof.voucher", "sessionId", "cumulativeAmount", "cumulativeBytes", "logSize", "logRoot");
        var sessionId = body.Unsigned(body.Required(voucher, "proof.voucher", "sessionId"), "proof.voucher.sessionId", 64);
        var amount = body.Unsigned(body.Required(voucher, "proof.voucher", "cumulativeAmount"), "proof.voucher.cumulativeAmount", 256);
        var bytes = body.Unsigned(body.Required(voucher, "proof.voucher", "cumulativeBytes"), "proof.voucher.cumulativeBytes", 64);
        var logSize = body.Unsigned(body.Required(voucher, "proof.voucher", "logSize"), "proof.voucher.logSize", 64);
        var logRoot = body.Hex(body.Required(voucher, "proof.voucher", "logRoot"), "proof.voucher.logRoot", 32);
        var signature = body.Hex(body.Required(proof, "proof", "signature"), "proof.signature", 65);
        if (!body.IsValid)
        {
            return null;
        }

        return new RecordProof
        {
            Leaf = leaf!,
            LeafIndex = (ulong)leafIndex!.Value,
            AuditPath = auditPath,
            Voucher = new Voucher
            {
                SessionId = (ulong)sessionId!.Value,
                CumulativeAmount = amount!.Value,
                CumulativeBytes = (ulong)bytes!.Value,
                LogSize = (ulong)logSize!.Value,
                LogRoot = logRoot!,
            },
            Signature = signature!,
        };
    }
}
