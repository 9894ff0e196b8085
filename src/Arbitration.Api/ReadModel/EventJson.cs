using System.Collections;
using System.Collections.Concurrent;
using System.Numerics;
using System.Reflection;
using System.Text.Json.Nodes;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Hex.HexConvertors.Extensions;

namespace Arbitration.Api.ReadModel;

/// <summary>
/// An event's fields as JSON in the API's conventions: names as in the Solidity ABI, integers above 2^53 and every
/// amount as decimal strings, bytes as 0x hex, addresses lower case, structs as objects.
/// </summary>
internal static class EventJson
{
    private static readonly ConcurrentDictionary<Type, (string Name, PropertyInfo Property, string AbiType)[]> Fields = new();

    /// <summary>The event's name (the generated class name without <c>Event</c>).</summary>
    public static string Name(IEventDTO e)
        => e.GetType().GetCustomAttribute<EventAttribute>()?.Name ?? e.GetType().Name.Replace("Event", "", StringComparison.Ordinal);

    /// <summary>The fields of <paramref name="value"/> (an event DTO or a struct).</summary>
    public static JsonObject Serialize(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var json = new JsonObject();
        foreach (var (name, property, abiType) in FieldsOf(value.GetType()))
        {
            json[name] = Value(property.GetValue(value), abiType);
        }

        return json;
    }

    private static JsonNode? Value(object? value, string abiType) => value switch
    {
        null => null,
        byte[] bytes => bytes.ToHex(true),
        string s when abiType.StartsWith("address", StringComparison.Ordinal) => s.ToLowerInvariant(),
        string s => s,
        bool b => b,
        BigInteger big => big.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ulong u => u <= (1UL << 53) ? JsonValue.Create(u) : JsonValue.Create(u.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        byte or ushort or uint or int or long => JsonValue.Create(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)),
        IList list => new JsonArray(list.Cast<object?>().Select(item => Value(item, abiType.Contains('[', StringComparison.Ordinal) ? abiType[..abiType.LastIndexOf('[')] : abiType)).ToArray()),
        _ => Serialize(value),
    };

    private static (string Name, PropertyInfo Property, string AbiType)[] FieldsOf(Type type)
        => Fields.GetOrAdd(type, t => t.GetProperties()
            .Select(p => (Property: p, Parameter: p.GetCustomAttribute<ParameterAttribute>()))
            .Where(p => p.Parameter is not null)
            .OrderBy(p => p.Parameter!.Order)
            .Select(p => (p.Parameter!.Name, p.Property, p.Parameter.Type))
            .ToArray());
}
