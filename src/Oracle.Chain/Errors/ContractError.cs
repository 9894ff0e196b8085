using System.Globalization;
using System.Numerics;
using System.Text;

namespace Oracle.Chain.Errors;

/// <summary>
/// A contract revert, decoded: the custom error's name (as in the Solidity source) and its arguments.
/// <c>Error(string)</c> and <c>Panic(uint256)</c> decode to names <c>Error</c> and <c>Panic</c>;
/// revert data no known ABI declares decodes to <see cref="UnknownName"/>.
/// </summary>
/// <param name="Name">The error's name, for example <c>VpnTokenUnauthorizedMinter</c>.</param>
/// <param name="Signature">The canonical signature, for example <c>VpnTokenUnauthorizedMinter(address)</c>.</param>
/// <param name="Arguments">Arguments in declaration order, with their ABI names.</param>
/// <param name="Data">The raw revert data, 0x-prefixed hex ("0x" when the node returned none).</param>
public sealed record ContractError(string Name, string Signature, IReadOnlyList<KeyValuePair<string, object?>> Arguments, string Data)
{
    /// <summary>The name given to revert data that no known ABI declares.</summary>
    public const string UnknownName = "Unknown";

    /// <summary>The argument called <paramref name="name"/>.</summary>
    public object? this[string name]
        => Arguments.FirstOrDefault(a => a.Key == name) is { Key: not null } a ? a.Value : throw new KeyNotFoundException(name);

    /// <summary>Whether this is the custom error the generated class <typeparamref name="TError"/> declares.</summary>
    public bool Is<TError>()
        where TError : class, new()
        => Name == ErrorName<TError>();

    /// <summary>The error decoded into its generated class (for example <c>SessionExpiredError</c>), typed arguments and all.</summary>
    /// <exception cref="InvalidOperationException">This is another error.</exception>
    public TError As<TError>()
        where TError : class, new()
    {
        if (!Is<TError>())
        {
            throw new InvalidOperationException($"the revert is {this}, not {ErrorName<TError>()}");
        }

        // The decoder reads the arguments after the 4-byte selector.
        var hex = Data.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? Data[2..] : Data;
        return (TError)new Nethereum.ABI.FunctionEncoding.FunctionCallDecoder().DecodeError(typeof(TError), "0x" + hex[Math.Min(8, hex.Length)..]);
    }

    /// <summary>The Solidity name of the generated error class <typeparamref name="TError"/> (its <c>[Error]</c> attribute).</summary>
    public static string ErrorName<TError>()
        => typeof(TError).GetCustomAttributes(typeof(Nethereum.ABI.FunctionEncoding.Attributes.ErrorAttribute), inherit: false) is [Nethereum.ABI.FunctionEncoding.Attributes.ErrorAttribute error]
            ? error.Name
            : throw new ArgumentException($"{typeof(TError).Name} is not a generated custom error class ([Error] attribute)", nameof(TError));

    /// <summary>A readable form such as <c>VpnTokenUnauthorizedMinter(caller=0x70997970…)</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(Name).Append('(');
        for (var i = 0; i < Arguments.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            sb.Append(Arguments[i].Key).Append('=').Append(Format(Arguments[i].Value));
        }

        return sb.Append(')').ToString();
    }

    private static string Format(object? value) => value switch
    {
        null => "null",
        byte[] bytes => "0x" + Convert.ToHexStringLower(bytes),
        BigInteger b => b.ToString(CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
