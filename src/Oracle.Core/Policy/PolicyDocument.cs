using System.Diagnostics.CodeAnalysis;
using Nethereum.Util;

namespace Oracle.Core.Policy;

/// <summary>
/// A session's policy document: what the client may reach through the provider's gateway. Its canonical JSON
/// (RFC 8785 key order, every field explicit) is hashed with Keccak-256, and that hash is what the SessionManager holds
/// on-chain. Semantics: docs/protocol.md §6.
/// </summary>
public sealed class PolicyDocument
{
    /// <summary>The only document version defined so far.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The most rules a document may hold.</summary>
    public const int MaxRules = 4096;

    /// <summary>The most prefixes or port ranges one list may hold.</summary>
    public const int MaxListLength = 4096;

    /// <summary>The longest description, in UTF-16 code units.</summary>
    public const int MaxDescriptionLength = 1024;

    private readonly byte[] _canonicalJson;
    private readonly byte[] _hash;

    /// <summary>Creates and validates a document.</summary>
    /// <exception cref="ArgumentException">The document is invalid (see <see cref="Validate"/>).</exception>
    public PolicyDocument(PolicyAction defaultAction, IReadOnlyList<PolicyRule> rules, IReadOnlyList<IpPrefix>? exports = null,
        RateLimit? rateLimit = null, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        DefaultAction = defaultAction;
        Rules = [.. rules];
        Exports = exports is null ? [] : [.. exports];
        RateLimit = rateLimit;
        Description = description;
        if (Validate() is { } error)
        {
            throw new ArgumentException(error);
        }

        _canonicalJson = PolicyJson.WriteCanonical(this);
        _hash = Sha3Keccack.Current.CalculateHash(_canonicalJson);
    }

    /// <summary>The document version (always <see cref="CurrentVersion"/>).</summary>
    public int Version => CurrentVersion;

    /// <summary>What happens to a packet no rule matches (reported with <see cref="PolicyDecision.DefaultRuleId"/>).</summary>
    public PolicyAction DefaultAction { get; }

    /// <summary>The rules, in evaluation order.</summary>
    public IReadOnlyList<PolicyRule> Rules { get; }

    /// <summary>
    /// Prefixes of the provider's own networks that the session may nevertheless reach (site-to-site: the LAN the
    /// provider shares); the implicit guard rule spares them, and the rules still apply.
    /// </summary>
    public IReadOnlyList<IpPrefix> Exports { get; }

    /// <summary>The rate limit per direction, or null for none.</summary>
    public RateLimit? RateLimit { get; }

    /// <summary>Free text for people.</summary>
    public string? Description { get; }

    /// <summary>The canonical JSON (UTF-8): the bytes that are hashed.</summary>
    public ReadOnlySpan<byte> CanonicalJson => _canonicalJson;

    /// <summary>Keccak-256 of <see cref="CanonicalJson"/>: the policy hash recorded on-chain.</summary>
    public ReadOnlySpan<byte> Hash => _hash;

    /// <summary>The policy hash as 0x-prefixed lower-case hex.</summary>
    public string HashHex => "0x" + Convert.ToHexStringLower(_hash);

    /// <summary>
    /// Parses a policy document from JSON (UTF-8). Comments and insignificant whitespace are allowed; unknown or
    /// duplicate fields, fractional numbers and invalid values are errors.
    /// </summary>
    /// <returns>Whether it parsed; <paramref name="error"/> names the offending field.</returns>
    public static bool TryParse(ReadOnlySpan<byte> utf8Json, [NotNullWhen(true)] out PolicyDocument? document, [NotNullWhen(false)] out string? error)
        => PolicyJson.TryRead(utf8Json, out document, out error);

    /// <summary>Parses a policy document from JSON text.</summary>
    public static bool TryParse(string json, [NotNullWhen(true)] out PolicyDocument? document, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(json);
        return TryParse(System.Text.Encoding.UTF8.GetBytes(json), out document, out error);
    }

    /// <summary>Parses a policy document, throwing <see cref="FormatException"/> when it is invalid.</summary>
    public static PolicyDocument Parse(string json)
        => TryParse(json, out var document, out var error) ? document : throw new FormatException(error);

    /// <summary>
    /// The usual exit-node document: the provider's networks guarded (implicitly), SMB, NetBIOS and SMTP denied,
    /// everything else allowed.
    /// </summary>
    public static PolicyDocument DefaultExit { get; } = new(
        PolicyAction.Allow,
        [
            new PolicyRule(1, PolicyAction.Deny, protocol: PacketTuple.Tcp, ports: [new PortRange(445, 445), new PortRange(139, 139)], description: "no SMB"),
            new PolicyRule(2, PolicyAction.Deny, protocol: PacketTuple.Udp, ports: [new PortRange(137, 138)], description: "no NetBIOS"),
            new PolicyRule(3, PolicyAction.Deny, direction: RuleDirection.Outbound, protocol: PacketTuple.Tcp, ports: [new PortRange(25, 25), new PortRange(465, 465), new PortRange(587, 587)], description: "no SMTP"),
        ],
        description: "exit node: provider networks guarded; no SMB, NetBIOS or SMTP");

    /// <summary>Returns the first problem with the document, or null when it is valid.</summary>
    public string? Validate()
    {
        if (Rules.Count > MaxRules)
        {
            return $"rules: at most {MaxRules} rules";
        }

        if (Exports.Count > MaxListLength)
        {
            return $"exports: at most {MaxListLength} prefixes";
        }

        if (Description is not null && DescriptionError(Description) is { } descriptionError)
        {
            return "description: " + descriptionError;
        }

        if (RateLimit is not null && (RateLimit.BytesPerSecond == 0 || RateLimit.BurstBytes == 0
            || RateLimit.BytesPerSecond > PolicyJson.MaxSafeInteger || RateLimit.BurstBytes > PolicyJson.MaxSafeInteger))
        {
            return "rateLimit: bytesPerSecond and burstBytes must be between 1 and 2^53-1";
        }

        var ids = new HashSet<uint>();
        for (var i = 0; i < Rules.Count; i++)
        {
            var rule = Rules[i];
            var where = $"rules[{i}]";
            if (rule is null)
            {
                return $"{where}: missing";
            }

            if (rule.Id is PolicyDecision.NoRuleId or PolicyDecision.ProviderGuardRuleId or PolicyDecision.DefaultRuleId)
            {
                return $"{where}.id: {rule.Id} is reserved (use 1 to 4294967293)";
            }

            if (!ids.Add(rule.Id))
            {
                return $"{where}.id: {rule.Id} is used twice";
            }

            if (rule.Ports.Count > 0 && rule.Protocol is not (null or PacketTuple.Tcp or PacketTuple.Udp))
            {
                return $"{where}.ports: ports apply only to tcp and udp";
            }

            if (rule.Networks.Count > MaxListLength || rule.Ports.Count > MaxListLength)
            {
                return $"{where}: at most {MaxListLength} networks or ports";
            }

            if (rule.Description is not null && DescriptionError(rule.Description) is { } ruleDescriptionError)
            {
                return $"{where}.description: {ruleDescriptionError}";
            }
        }

        return null;
    }

    private static string? DescriptionError(string text)
    {
        if (text.Length > MaxDescriptionLength)
        {
            return $"at most {MaxDescriptionLength} characters";
        }

        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return "contains an unpaired surrogate";
            }
        }

        return null;
    }
}
