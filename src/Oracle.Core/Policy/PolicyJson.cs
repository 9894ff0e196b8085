using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Oracle.Core.Policy;

/// <summary>Reads policy documents from JSON and writes their canonical form (docs/protocol.md §6.2).</summary>
internal static class PolicyJson
{
    /// <summary>2^53 - 1: the largest integer every JSON implementation reads exactly.</summary>
    public const ulong MaxSafeInteger = (1UL << 53) - 1;

    private static readonly JsonDocumentOptions Options = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = false,
        MaxDepth = 16,
    };

    public static bool TryRead(ReadOnlySpan<byte> utf8Json, [NotNullWhen(true)] out PolicyDocument? document, [NotNullWhen(false)] out string? error)
    {
        document = null;
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(utf8Json.ToArray(), Options);
        }
        catch (JsonException e)
        {
            error = $"not valid JSON: {e.Message}";
            return false;
        }

        using (json)
        {
            try
            {
                document = ReadDocument(json.RootElement);
                error = null;
                return true;
            }
            catch (PolicyFormatError e)
            {
                error = e.Message;
                return false;
            }
        }
    }

    public static byte[] WriteCanonical(PolicyDocument document)
    {
        var w = new CanonicalWriter();
        w.Raw("{\"defaultAction\":");
        w.String(ActionText(document.DefaultAction));
        if (document.Description is not null)
        {
            w.Raw(",\"description\":");
            w.String(document.Description);
        }

        w.Raw(",\"exports\":");
        w.Strings(document.Exports, static p => p.ToString());
        if (document.RateLimit is { } limit)
        {
            w.Raw(",\"rateLimit\":{\"burstBytes\":");
            w.Raw(limit.BurstBytes.ToString(CultureInfo.InvariantCulture));
            w.Raw(",\"bytesPerSecond\":");
            w.Raw(limit.BytesPerSecond.ToString(CultureInfo.InvariantCulture));
            w.Raw("}");
        }

        w.Raw(",\"rules\":[");
        for (var i = 0; i < document.Rules.Count; i++)
        {
            var rule = document.Rules[i];
            w.Raw(i == 0 ? "{\"action\":" : ",{\"action\":");
            w.String(ActionText(rule.Action));
            if (rule.Description is not null)
            {
                w.Raw(",\"description\":");
                w.String(rule.Description);
            }

            w.Raw(",\"direction\":");
            w.String(DirectionText(rule.Direction));
            w.Raw(",\"id\":");
            w.Raw(rule.Id.ToString(CultureInfo.InvariantCulture));
            w.Raw(",\"networks\":");
            w.Strings(rule.Networks, static p => p.ToString());
            w.Raw(",\"ports\":");
            w.Strings(rule.Ports, static p => p.ToString());
            w.Raw(",\"protocol\":");
            w.String(ProtocolText(rule.Protocol));
            w.Raw("}");
        }

        w.Raw("],\"version\":1}");
        return w.ToArray();
    }

    public static string ProtocolText(byte? protocol) => protocol switch
    {
        null => "any",
        PacketTuple.Tcp => "tcp",
        PacketTuple.Udp => "udp",
        PacketTuple.Icmp => "icmp",
        PacketTuple.IcmpV6 => "icmpv6",
        _ => protocol.Value.ToString(CultureInfo.InvariantCulture),
    };

    private static string ActionText(PolicyAction action) => action == PolicyAction.Allow ? "allow" : "deny";

    private static string DirectionText(RuleDirection direction) => direction switch
    {
        RuleDirection.Outbound => "outbound",
        RuleDirection.Inbound => "inbound",
        _ => "any",
    };

    private static PolicyDocument ReadDocument(JsonElement root)
    {
        var fields = Fields(root, "document", ["version", "defaultAction", "rules", "exports", "rateLimit", "description"]);
        var version = Integer(Required(fields, "version", "document"), "version", 1, 1);
        _ = version;
        var defaultAction = Action(Required(fields, "defaultAction", "document"), "defaultAction");
        var rulesElement = Required(fields, "rules", "document");
        if (rulesElement.ValueKind != JsonValueKind.Array)
        {
            throw new PolicyFormatError("rules: must be an array");
        }

        var rules = new List<PolicyRule>();
        var index = 0;
        foreach (var element in rulesElement.EnumerateArray())
        {
            rules.Add(ReadRule(element, $"rules[{index++}]"));
            if (rules.Count > PolicyDocument.MaxRules)
            {
                throw new PolicyFormatError($"rules: at most {PolicyDocument.MaxRules} rules");
            }
        }

        var exports = fields.TryGetValue("exports", out var exportsElement) ? Prefixes(exportsElement, "exports", allowEmpty: true) : [];
        RateLimit? rateLimit = null;
        if (fields.TryGetValue("rateLimit", out var limitElement))
        {
            var limit = Fields(limitElement, "rateLimit", ["bytesPerSecond", "burstBytes"]);
            rateLimit = new RateLimit(
                Integer(Required(limit, "bytesPerSecond", "rateLimit"), "rateLimit.bytesPerSecond", 1, MaxSafeInteger),
                Integer(Required(limit, "burstBytes", "rateLimit"), "rateLimit.burstBytes", 1, MaxSafeInteger));
        }

        var description = fields.TryGetValue("description", out var d) ? Text(d, "description") : null;
        try
        {
            return new PolicyDocument(defaultAction, rules, exports, rateLimit, description);
        }
        catch (ArgumentException e)
        {
            throw new PolicyFormatError(e.Message);
        }
    }

    private static PolicyRule ReadRule(JsonElement element, string where)
    {
        var fields = Fields(element, where, ["id", "action", "direction", "protocol", "networks", "ports", "description"]);
        var id = (uint)Integer(Required(fields, "id", where), where + ".id", 0, uint.MaxValue);
        var action = Action(Required(fields, "action", where), where + ".action");
        var direction = RuleDirection.Any;
        if (fields.TryGetValue("direction", out var directionElement))
        {
            direction = Text(directionElement, where + ".direction") switch
            {
                "any" => RuleDirection.Any,
                "outbound" => RuleDirection.Outbound,
                "inbound" => RuleDirection.Inbound,
                _ => throw new PolicyFormatError($"{where}.direction: must be \"any\", \"outbound\" or \"inbound\""),
            };
        }

        byte? protocol = null;
        if (fields.TryGetValue("protocol", out var protocolElement))
        {
            protocol = Protocol(Text(protocolElement, where + ".protocol"), where + ".protocol");
        }

        var networks = fields.TryGetValue("networks", out var n) ? Prefixes(n, where + ".networks", allowEmpty: false) : null;
        List<PortRange>? ports = null;
        if (fields.TryGetValue("ports", out var portsElement))
        {
            ports = [];
            foreach (var text in Strings(portsElement, where + ".ports", allowEmpty: true))
            {
                if (!PortRange.TryParse(text, out var range, out var error))
                {
                    throw new PolicyFormatError($"{where}.ports: {error}");
                }

                ports.Add(range);
            }
        }

        var description = fields.TryGetValue("description", out var d) ? Text(d, where + ".description") : null;
        return new PolicyRule(id, action, direction, protocol, networks, ports, description);
    }

    private static byte? Protocol(string text, string where)
    {
        switch (text)
        {
            case "any": return null;
            case "tcp": return PacketTuple.Tcp;
            case "udp": return PacketTuple.Udp;
            case "icmp": return PacketTuple.Icmp;
            case "icmpv6": return PacketTuple.IcmpV6;
        }

        if (text.Length is > 0 and <= 3 && text.All(char.IsAsciiDigit) && (text.Length == 1 || text[0] != '0')
            && byte.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        throw new PolicyFormatError($"{where}: must be \"any\", \"tcp\", \"udp\", \"icmp\", \"icmpv6\" or a protocol number 0-255 as a string");
    }

    private static List<IpPrefix> Prefixes(JsonElement element, string where, bool allowEmpty)
    {
        var list = new List<IpPrefix>();
        foreach (var text in Strings(element, where, allowEmpty))
        {
            if (!IpPrefix.TryParse(text, out var prefix, out var error))
            {
                throw new PolicyFormatError($"{where}: {error}");
            }

            list.Add(prefix);
        }

        return list;
    }

    private static List<string> Strings(JsonElement element, string where, bool allowEmpty)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw new PolicyFormatError($"{where}: must be an array of strings");
        }

        var list = new List<string>();
        foreach (var item in element.EnumerateArray())
        {
            list.Add(Text(item, where));
            if (list.Count > PolicyDocument.MaxListLength)
            {
                throw new PolicyFormatError($"{where}: at most {PolicyDocument.MaxListLength} entries");
            }
        }

        if (list.Count == 0 && !allowEmpty)
        {
            throw new PolicyFormatError($"{where}: must not be empty (leave the field out to match any)");
        }

        return list;
    }

    private static Dictionary<string, JsonElement> Fields(JsonElement element, string where, string[] known)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new PolicyFormatError($"{where}: must be an object");
        }

        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (Array.IndexOf(known, property.Name) < 0)
            {
                throw new PolicyFormatError($"{where}: unknown field \"{property.Name}\"");
            }

            if (!fields.TryAdd(property.Name, property.Value))
            {
                throw new PolicyFormatError($"{where}: field \"{property.Name}\" appears twice");
            }
        }

        return fields;
    }

    private static JsonElement Required(Dictionary<string, JsonElement> fields, string name, string where)
        => fields.TryGetValue(name, out var value) ? value : throw new PolicyFormatError($"{where}: missing field \"{name}\"");

    private static ulong Integer(JsonElement element, string where, ulong min, ulong max)
    {
        if (element.ValueKind != JsonValueKind.Number)
        {
            throw new PolicyFormatError($"{where}: must be an integer");
        }

        var raw = element.GetRawText();
        if (!raw.All(char.IsAsciiDigit) || (raw.Length > 1 && raw[0] == '0')
            || !ulong.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new PolicyFormatError($"{where}: must be an integer from {min} to {max}");
        }

        return value;
    }

    private static PolicyAction Action(JsonElement element, string where) => Text(element, where) switch
    {
        "allow" => PolicyAction.Allow,
        "deny" => PolicyAction.Deny,
        _ => throw new PolicyFormatError($"{where}: must be \"allow\" or \"deny\""),
    };

    private static string Text(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            throw new PolicyFormatError($"{where}: must be a string");
        }

        try
        {
            return element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw new PolicyFormatError($"{where}: is not valid Unicode");
        }
    }

    private sealed class PolicyFormatError(string message) : Exception(message);

    /// <summary>RFC 8785 output: UTF-8, no whitespace, strings escaped as ECMAScript's JSON.stringify does.</summary>
    private sealed class CanonicalWriter
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(512);

        public void Raw(string ascii) => Append(ascii);

        public void String(string value)
        {
            var sb = new StringBuilder(value.Length + 2);
            sb.Append('"');
            foreach (var c in value)
            {
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\b': sb.Append("\\b"); break;
                    case '\f': sb.Append("\\f"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    default:
                        if (c < 0x20)
                        {
                            sb.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            sb.Append(c);
                        }

                        break;
                }
            }

            sb.Append('"');
            Append(sb.ToString());
        }

        public void Strings<T>(IReadOnlyList<T> items, Func<T, string> text)
        {
            Raw("[");
            for (var i = 0; i < items.Count; i++)
            {
                if (i > 0)
                {
                    Raw(",");
                }

                String(text(items[i]));
            }

            Raw("]");
        }

        public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

        private void Append(string text)
        {
            var span = _buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
            _buffer.Advance(Encoding.UTF8.GetBytes(text, span));
        }
    }
}
