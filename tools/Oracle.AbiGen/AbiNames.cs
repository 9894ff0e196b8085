using System.Globalization;
using System.Text;

namespace Oracle.AbiGen;

/// <summary>How ABI names and types become C# names and types (shared by the contract and the shared-type writers).</summary>
internal static class AbiNames
{
    // Properties of Nethereum's FunctionMessage / ContractMessageBase that a Solidity parameter must not shadow.
    private static readonly HashSet<string> ReservedProperties = new(StringComparer.Ordinal)
    {
        "Gas", "GasPrice", "Nonce", "FromAddress", "AmountToSend", "MaxFeePerGas", "MaxPriorityFeePerGas",
        "TransactionType", "AccessList", "AuthorisationList", "ByteCode",
    };

    private static readonly HashSet<string> CSharpKeywords = new(StringComparer.Ordinal)
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const",
        "continue", "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern",
        "false", "finally", "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface",
        "internal", "is", "lock", "long", "namespace", "new", "null", "object", "operator", "out", "override",
        "params", "private", "protected", "public", "readonly", "ref", "return", "sbyte", "sealed", "short",
        "sizeof", "stackalloc", "static", "string", "struct", "switch", "this", "throw", "true", "try", "typeof",
        "uint", "ulong", "unchecked", "unsafe", "ushort", "using", "virtual", "void", "volatile", "while",
    };

    // Parameter names the generated service methods use themselves.
    private static readonly HashSet<string> ServiceParameters = new(StringComparer.Ordinal) { "value", "block", "cancellationToken" };

    /// <summary>The C# type of a parameter; tuples are the shared class named after their Solidity struct.</summary>
    public static string CsType(AbiParameter p, string contract)
    {
        var type = p.Type;
        if (type.EndsWith(']'))
        {
            return "List<" + CsType(ElementOf(p), contract) + ">";
        }

        if (type == "tuple")
        {
            return StructName(p, contract);
        }

        return type switch
        {
            "address" => "string",
            "bool" => "bool",
            "string" => "string",
            "bytes" => "byte[]",
            "uint8" => "byte",
            "uint16" => "ushort",
            "uint24" or "uint32" => "uint",
            "uint40" or "uint48" or "uint56" or "uint64" => "ulong",
            "int8" => "sbyte",
            "int16" => "short",
            "int24" or "int32" => "int",
            "int40" or "int48" or "int56" or "int64" => "long",
            _ when type.StartsWith("bytes", StringComparison.Ordinal) => "byte[]",
            _ when type.StartsWith("uint", StringComparison.Ordinal) || type.StartsWith("int", StringComparison.Ordinal) => "BigInteger",
            _ => throw new AbiGenException($"{contract}: unsupported ABI type {type}"),
        };
    }

    /// <summary>The element of an array parameter (<c>T[]</c> or <c>T[n]</c>).</summary>
    public static AbiParameter ElementOf(AbiParameter p)
        => p with { Type = p.Type[..p.Type.LastIndexOf('[')], InternalType = StripArray(p.InternalType) };

    /// <summary>
    /// The class name of a tuple: its Solidity struct's own name (internalType <c>struct ISessionManager.Session</c> is
    /// <c>Session</c>), which is what a reader recognizes.
    /// </summary>
    public static string StructName(AbiParameter p, string contract)
    {
        var internalType = StripArray(p.InternalType) ?? "";
        if (internalType.StartsWith("struct ", StringComparison.Ordinal))
        {
            var full = internalType["struct ".Length..];
            return Pascal(full[(full.LastIndexOf('.') + 1)..]);
        }

        throw new AbiGenException($"{contract}: tuple parameter {p.Name} has no struct name (internalType {p.InternalType})");
    }

    /// <summary>The Solidity name of a struct as the artifact declares it (<c>ISessionManager.Session</c>).</summary>
    public static string SolidityStructName(AbiParameter p)
    {
        var internalType = StripArray(p.InternalType) ?? "";
        return internalType.StartsWith("struct ", StringComparison.Ordinal) ? internalType["struct ".Length..] : internalType;
    }

    /// <summary>Writes one <c>[Parameter]</c> property per ABI parameter.</summary>
    public static void WriteProperties(StringBuilder sb, List<AbiParameter> parameters, string fallback, bool events, string contract)
    {
        for (var i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            var type = CsType(p, contract);
            sb.Append("    [Parameter(\"").Append(p.Type)
                .Append("\", \"").Append(p.Name).Append("\", ").Append(i + 1);
            if (events)
            {
                sb.Append(p.Indexed ? ", true" : ", false");
            }

            sb.Append(")]\n    public ").Append(type).Append(' ').Append(PropertyName(p.Name, fallback, i)).Append(" { get; set; }")
                .Append(DefaultValue(type)).Append('\n');
        }
    }

    /// <summary>Drops trailing blank lines and ends the file with one newline.</summary>
    public static string EndFile(StringBuilder sb)
    {
        while (sb.Length > 0 && sb[^1] == '\n')
        {
            sb.Length--;
        }

        return sb.Append('\n').ToString();
    }

    /// <summary>Names for overloaded entries: the first keeps the name, later ones get 2, 3...</summary>
    public static List<string> UniqueNames(List<AbiEntry> entries)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var names = new List<string>(entries.Count);
        foreach (var e in entries)
        {
            var baseName = Pascal(e.Name);
            seen[baseName] = seen.GetValueOrDefault(baseName) + 1;
            names.Add(seen[baseName] == 1 ? baseName : baseName + seen[baseName].ToString(CultureInfo.InvariantCulture));
        }

        return names;
    }

    public static string PropertyName(string abiName, string fallback, int index)
    {
        var name = Pascal(abiName.TrimStart('_').TrimEnd('_'));
        if (name.Length == 0)
        {
            return fallback + (index + 1).ToString(CultureInfo.InvariantCulture);
        }

        return ReservedProperties.Contains(name) ? name + "Value" : name;
    }

    public static string ArgumentName(string abiName, int index)
    {
        var name = abiName.TrimStart('_').TrimEnd('_');
        if (name.Length == 0)
        {
            return "value" + (index + 1).ToString(CultureInfo.InvariantCulture);
        }

        name = char.ToLowerInvariant(name[0]) + name[1..];
        if (ServiceParameters.Contains(name))
        {
            return name + "Arg";
        }

        return CSharpKeywords.Contains(name) ? "@" + name : name;
    }

    public static string Pascal(string name) => name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name[1..];

    private static string? StripArray(string? internalType)
        => internalType is null || !internalType.EndsWith(']') ? internalType : internalType[..internalType.LastIndexOf('[')];

    private static string DefaultValue(string type) => type switch
    {
        "string" => " = string.Empty;",
        "byte[]" => " = [];",
        _ when type.StartsWith("List<", StringComparison.Ordinal) => " = [];",
        "bool" or "byte" or "ushort" or "uint" or "ulong" or "sbyte" or "short" or "int" or "long" or "BigInteger" => "",
        _ => " = new();",
    };
}
