using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Oracle.Actions.Units;
using Oracle.Core.Eip712;

namespace Oracle.Actions.Sessions;

/// <summary>
/// A provider's signed acceptance of a named panel (docs/protocol.md §2 <c>PanelAcceptance</c>), in the portable form a
/// provider hands to a client: <c>oracle provider accept-panel</c> writes it, <c>oracle session open --panel-acceptance</c>
/// reads it. The JSON document names what the signature covers (client, penalty, committee size, the panel itself
/// rather than only its hash, deadline) and what it is valid on (chain id, SessionManager, provider), so a client can
/// check everything before sending: <c>{"type": "oracle-panel-acceptance", "chainId": 31337, "sessionManager": "0x…",
/// "provider": "0x…", "client": "0x…", "penalty": "5000000000000000000" (base units), "committeeSize": 3, "panel":
/// ["0x…", …] (ascending), "deadline": 1765000000 (Unix seconds), "signature": "0x…"}</c>. The one-line form is
/// <see cref="TokenPrefix"/> followed by that JSON in base64url, safe to paste into a shell or a chat.
/// </summary>
/// <param name="ChainId">The chain the signature binds.</param>
/// <param name="SessionManager">The SessionManager whose EIP-712 domain the signature binds.</param>
/// <param name="Provider">The provider that signed (its registered address).</param>
/// <param name="Client">The one client that may open the session.</param>
/// <param name="Penalty">The session's penalty, VPN base units.</param>
/// <param name="CommitteeSize">The panel's size.</param>
/// <param name="Panel">The oracles, checksummed, strictly ascending.</param>
/// <param name="Deadline">Unix seconds after which the acceptance opens nothing.</param>
/// <param name="Signature">The provider's 65-byte EIP-712 signature.</param>
public sealed record PanelAcceptanceDocument(ulong ChainId, string SessionManager, string Provider, string Client, BigInteger Penalty, int CommitteeSize,
    IReadOnlyList<string> Panel, ulong Deadline, byte[] Signature)
{
    /// <summary>What starts the one-line form.</summary>
    public const string TokenPrefix = "panel-acceptance:";

    private const string TypeName = "oracle-panel-acceptance";

    /// <summary>The typed message the provider signs (the panel reduced to its hash).</summary>
    public PanelAcceptance ToMessage() => new()
    {
        Client = Client,
        Penalty = Penalty,
        CommitteeSize = (byte)CommitteeSize,
        PanelHash = PanelAcceptance.HashPanel(Panel),
        Deadline = Deadline,
    };

    /// <summary>The signer the signature recovers to under the document's own domain, or null when it is malformed.</summary>
    public string? RecoverSigner()
    {
        try
        {
            return TypedDataSigner.Recover(ToMessage(), TypedDataDomain.SessionManager(ChainId, SessionManager), "0x" + Convert.ToHexStringLower(Signature));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The JSON document.</summary>
    public JsonObject ToJsonObject() => new()
    {
        ["type"] = TypeName,
        ["chainId"] = ChainId,
        ["sessionManager"] = SessionManager,
        ["provider"] = Provider,
        ["client"] = Client,
        ["penalty"] = Penalty.ToString(CultureInfo.InvariantCulture),
        ["committeeSize"] = CommitteeSize,
        ["panel"] = new JsonArray([.. Panel.Select(p => (JsonNode)JsonValue.Create(p))]),
        ["deadline"] = Deadline,
        ["signature"] = "0x" + Convert.ToHexStringLower(Signature),
    };

    /// <summary>The JSON document, indented.</summary>
    public string ToJson() => ToJsonObject().ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    /// <summary>The one-line form: <see cref="TokenPrefix"/> and the compact JSON in base64url.</summary>
    public string ToToken() => TokenPrefix + Base64Url(Encoding.UTF8.GetBytes(ToJsonObject().ToJsonString()));

    /// <summary>
    /// Reads an acceptance given on the command line: the one-line form, the JSON text itself, <c>-</c> (standard
    /// input), or a file holding either.
    /// </summary>
    /// <exception cref="ActionFailedException">Unreadable, or not an acceptance (InvalidInput, naming the field).</exception>
    public static PanelAcceptanceDocument Load(string fileOrText)
    {
        ArgumentNullException.ThrowIfNull(fileOrText);
        var given = fileOrText.Trim();
        if (given.StartsWith(TokenPrefix, StringComparison.Ordinal) || given.StartsWith('{'))
        {
            return Parse(given, "--panel-acceptance");
        }

        var text = DocumentFields.ReadText(given, "--panel-acceptance");
        return Parse(text.Trim(), $"panel acceptance {given}");
    }

    /// <summary>Reads the one-line form or the JSON document; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="ActionFailedException">Not an acceptance (InvalidInput, naming the field).</exception>
    public static PanelAcceptanceDocument Parse(string text, string source = "panel acceptance")
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.StartsWith(TokenPrefix, StringComparison.Ordinal))
        {
            try
            {
                text = Encoding.UTF8.GetString(FromBase64Url(text[TokenPrefix.Length..].Trim()));
            }
            catch (FormatException)
            {
                throw ActionFailedException.InvalidInput($"{source}: the text after {TokenPrefix} is not base64url (was it cut when copied?)");
            }
        }

        var fields = DocumentFields.Parse(text, source);
        if (fields.Root["type"]?.GetValueKind() != JsonValueKind.String || fields.Root["type"]!.GetValue<string>() != TypeName)
        {
            throw fields.Invalid($"not a panel acceptance (its type must be \"{TypeName}\"; `oracle provider accept-panel` writes one)");
        }

        // In the document's order, so that the first wrong field is the one named.
        var chainId = (ulong)fields.Integer("chainId", ulong.MaxValue);
        var sessionManager = fields.Address("sessionManager");
        var provider = fields.Address("provider");
        var client = fields.Address("client");
        var penalty = fields.Integer("penalty", TokenAmount.MaxUint96);
        var committeeSize = (int)fields.Integer("committeeSize", byte.MaxValue);
        var panelNode = fields.Root["panel"] as JsonArray ?? throw fields.Invalid("field panel must be an array of addresses");
        var panel = new List<string>();
        foreach (var member in panelNode)
        {
            if (member?.GetValueKind() != JsonValueKind.String || !Addresses.TryParse(member.GetValue<string>(), out var address, out _))
            {
                throw fields.Invalid($"panel member {panel.Count + 1} is not an address");
            }

            panel.Add(address);
        }

        var deadline = (ulong)fields.Integer("deadline", ulong.MaxValue);
        var signature = fields.Hex("signature", 65);

        return new PanelAcceptanceDocument(chainId, sessionManager, provider, client, penalty, committeeSize, panel, deadline, signature);
    }

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    private static byte[] FromBase64Url(string text) => System.Buffers.Text.Base64Url.DecodeFromChars(text);
}
