using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Oracle.Chain.Contracts;

namespace Oracle.Actions.Sessions;

/// <summary>
/// A voucher the client signed (docs/protocol.md §2), as a JSON document a provider redeems with
/// <c>oracle session close</c> or <c>oracle session settle</c>: <c>{"sessionId": 7, "cumulativeAmount": "123" (base units),
/// "cumulativeBytes": 4096, "logSize": 3, "logRoot": "0x…", "signature": "0x…"}</c>. <c>vpngateway vouchers</c> exports
/// the latest one from a gateway's spool in this form.
/// </summary>
/// <param name="SessionId">The session.</param>
/// <param name="CumulativeAmount">VPN base units paid in total.</param>
/// <param name="CumulativeBytes">Bytes paid for in total.</param>
/// <param name="LogSize">The evidence log's size the voucher commits to.</param>
/// <param name="LogRoot">Its root (32 bytes).</param>
/// <param name="Signature">The client's 65-byte EIP-712 signature.</param>
public sealed record VoucherDocument(ulong SessionId, BigInteger CumulativeAmount, ulong CumulativeBytes, ulong LogSize, byte[] LogRoot, byte[] Signature)
{
    /// <summary>The voucher as the SessionManager takes it.</summary>
    public Voucher ToContract() => new()
    {
        SessionId = SessionId,
        CumulativeAmount = CumulativeAmount,
        CumulativeBytes = CumulativeBytes,
        LogSize = LogSize,
        LogRoot = LogRoot,
    };

    /// <summary>The JSON form (amount as a decimal string of base units, hashes and signature as 0x-hex).</summary>
    public string ToJson() => new JsonObject
    {
        ["sessionId"] = SessionId,
        ["cumulativeAmount"] = CumulativeAmount.ToString(CultureInfo.InvariantCulture),
        ["cumulativeBytes"] = CumulativeBytes,
        ["logSize"] = LogSize,
        ["logRoot"] = "0x" + Convert.ToHexStringLower(LogRoot),
        ["signature"] = "0x" + Convert.ToHexStringLower(Signature),
    }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    /// <summary>Reads a voucher document from <paramref name="file"/> (<c>-</c>: standard input).</summary>
    /// <exception cref="ActionFailedException">Missing, not JSON, or a field is wrong (InvalidInput, naming it).</exception>
    public static VoucherDocument Load(string file) => Parse(DocumentFields.ReadText(file, "voucher"), file);

    /// <summary>Reads a voucher document from JSON text; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="ActionFailedException">Not a voucher (InvalidInput, naming the field).</exception>
    public static VoucherDocument Parse(string text, string source = "voucher")
    {
        var fields = DocumentFields.Parse(text, source);
        return new VoucherDocument(
            (ulong)fields.Integer("sessionId", ulong.MaxValue),
            fields.Integer("cumulativeAmount", (BigInteger.One << 256) - 1),
            (ulong)fields.Integer("cumulativeBytes", ulong.MaxValue),
            (ulong)fields.Integer("logSize", ulong.MaxValue),
            fields.Hex("logRoot", 32),
            fields.Hex("signature", 65));
    }
}
