using System.Globalization;
using System.Numerics;
using System.Reflection;
using System.Text.Json.Nodes;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Hex.HexConvertors.Extensions;
using Oracle.Core.Eip712;

namespace Arbitration.Api.Filing;

/// <summary>
/// The <c>eth_signTypedData_v4</c> JSON of an EIP-712 message (domain, types, primaryType, message): what a wallet or
/// <c>arbitration-api sign-filing</c> signs. Integers are decimal strings and bytes 0x hex, as wallets take them.
/// </summary>
internal static class TypedDataJson
{
    public static JsonObject Of<T>(T message, TypedDataDomain domain)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(domain);
        var fields = typeof(T).GetProperties()
            .Select(p => (Property: p, Parameter: p.GetCustomAttribute<ParameterAttribute>()))
            .Where(p => p.Parameter is not null)
            .OrderBy(p => p.Parameter!.Order)
            .ToList();
        var primaryType = typeof(T).GetCustomAttribute<StructAttribute>()!.Name;
        var values = new JsonObject();
        foreach (var (property, parameter) in fields)
        {
            values[parameter!.Name] = property.GetValue(message) switch
            {
                byte[] bytes => bytes.ToHex(true),
                string s => s,
                BigInteger b => b.ToString(CultureInfo.InvariantCulture),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                var other => other?.ToString(),
            };
        }

        return new JsonObject
        {
            ["domain"] = new JsonObject
            {
                ["name"] = domain.Name,
                ["version"] = domain.Version,
                ["chainId"] = domain.ChainId.ToString(CultureInfo.InvariantCulture),
                ["verifyingContract"] = domain.VerifyingContract,
            },
            ["types"] = new JsonObject
            {
                ["EIP712Domain"] = new JsonArray(
                    Field("name", "string"), Field("version", "string"), Field("chainId", "uint256"), Field("verifyingContract", "address")),
                [primaryType] = new JsonArray(fields.Select(f => (JsonNode)Field(f.Parameter!.Name, f.Parameter.Type)).ToArray()),
            },
            ["primaryType"] = primaryType,
            ["message"] = values,
        };
    }

    private static JsonObject Field(string name, string type) => new() { ["name"] = name, ["type"] = type };
}
