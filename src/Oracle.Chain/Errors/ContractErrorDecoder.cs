using System.Collections.Frozen;
using System.Numerics;
using Nethereum.ABI.ABIDeserialisation;
using Nethereum.ABI.FunctionEncoding;
using Nethereum.ABI.Model;
using Nethereum.Contracts;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.JsonRpc.Client;
using Newtonsoft.Json.Linq;
using Oracle.Chain.Artifacts;

namespace Oracle.Chain.Errors;

/// <summary>
/// Decodes revert data into <see cref="ContractError"/> using the custom errors of every embedded artifact,
/// so that a revert is reported by its Solidity name whichever contract raised it.
/// </summary>
public static class ContractErrorDecoder
{
    private const string ErrorStringSelector = "08c379a0";
    private const string PanicSelector = "4e487b71";

    private static readonly Lazy<FrozenDictionary<string, ErrorABI>> Errors = new(() => ErrorsOf(ContractArtifacts.Known.Values));

    // Errors of contracts whose artifacts are not embedded in this assembly (Register); rarely written, read lock-free.
    private static volatile FrozenDictionary<string, ErrorABI> _registered = FrozenDictionary<string, ErrorABI>.Empty;
    private static readonly Lock RegisterLock = new();

    /// <summary>
    /// Makes the custom errors of <paramref name="artifacts"/> decodable too: contracts whose artifacts are not embedded
    /// in Oracle.Chain, such as the test doubles of tests/Oracle.Testing. Errors already known keep their decoding.
    /// </summary>
    public static void Register(IEnumerable<ContractArtifact> artifacts)
    {
        ArgumentNullException.ThrowIfNull(artifacts);
        var added = ErrorsOf(artifacts);
        lock (RegisterLock)
        {
            var merged = new Dictionary<string, ErrorABI>(_registered, StringComparer.Ordinal);
            foreach (var (selector, error) in added)
            {
                merged.TryAdd(selector, error);
            }

            _registered = merged.ToFrozenDictionary(StringComparer.Ordinal);
        }
    }

    /// <summary>Decodes revert data (0x-prefixed or bare hex).</summary>
    public static ContractError Decode(string? revertData)
    {
        var hex = (revertData ?? "").RemoveHexPrefix().ToLowerInvariant();
        var data = "0x" + hex;
        if (hex.Length < 8)
        {
            return new ContractError(ContractError.UnknownName, "", [], data);
        }

        var selector = hex[..8];
        var payload = "0x" + hex[8..];
        var decoder = new ParameterDecoder();
        try
        {
            if (selector == ErrorStringSelector)
            {
                var message = decoder.DecodeDefaultData(payload, new Parameter("string", "message"))[0].Result;
                return new ContractError("Error", "Error(string)", [new("message", message)], data);
            }

            if (selector == PanicSelector)
            {
                var code = (BigInteger)decoder.DecodeDefaultData(payload, new Parameter("uint256", "code"))[0].Result;
                return new ContractError("Panic", "Panic(uint256)", [new("code", code)], data);
            }

            if (Errors.Value.TryGetValue(selector, out var error) || _registered.TryGetValue(selector, out error))
            {
                var outputs = decoder.DecodeDefaultData(payload, error.InputParameters);
                return new ContractError(error.Name, error.Signature, outputs.Select(o => new KeyValuePair<string, object?>(o.Parameter.Name, o.Result)).ToList(), data);
            }
        }
        catch (Exception e) when (e is ArgumentException or IndexOutOfRangeException or FormatException or InvalidOperationException)
        {
            // Data that claims a known selector but does not decode is reported as unknown, never thrown.
        }

        return new ContractError(ContractError.UnknownName, "", [], data);
    }

    /// <summary>
    /// Recognizes the exceptions Nethereum raises for a reverted call or gas estimate and decodes their data.
    /// </summary>
    /// <returns><see langword="false"/> when <paramref name="exception"/> is not a revert (a network fault, say).</returns>
    public static bool TryDecode(Exception exception, out ContractError error)
    {
        switch (exception)
        {
            case SmartContractCustomErrorRevertException custom:
                error = Decode(custom.ExceptionEncodedData);
                return true;
            case SmartContractRevertException revert:
                error = string.IsNullOrEmpty(revert.EncodedData)
                    ? new ContractError("Error", "Error(string)", [new("message", revert.RevertMessage)], "0x")
                    : Decode(revert.EncodedData);
                return true;
            case RpcResponseException rpc when RevertData(rpc.RpcError) is { } data:
                error = Decode(data);
                return true;
            case AggregateException { InnerExceptions.Count: 1 } aggregate:
                return TryDecode(aggregate.InnerException!, out error);
            default:
                error = null!;
                return false;
        }
    }

    private static string? RevertData(RpcError? rpcError)
    {
        // Nodes put revert data in error.data, either as a hex string (geth, Hardhat) or as an object with a data field.
        var data = rpcError?.Data switch
        {
            string s => s,
            JValue { Type: JTokenType.String } v => (string?)v,
            JObject o => (string?)o["data"],
            _ => null,
        };
        if (data is not null && data.StartsWith("0x", StringComparison.Ordinal))
        {
            return data;
        }

        return rpcError?.Message?.Contains("revert", StringComparison.OrdinalIgnoreCase) == true ? "0x" : null;
    }

    private static FrozenDictionary<string, ErrorABI> ErrorsOf(IEnumerable<ContractArtifact> artifacts)
    {
        var errors = new Dictionary<string, ErrorABI>(StringComparer.Ordinal);
        foreach (var artifact in artifacts)
        {
            foreach (var error in ABIDeserialiserFactory.DeserialiseContractABI(artifact.AbiJson).Errors)
            {
                // The same error (from a shared interface) appears in many ABIs with the same selector.
                errors.TryAdd(error.Sha3Signature.RemoveHexPrefix().ToLowerInvariant()[..8], error);
            }
        }

        return errors.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
