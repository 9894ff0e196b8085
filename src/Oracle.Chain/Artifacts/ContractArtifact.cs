using System.Text.Json;
using System.Text.Json.Serialization;

namespace Oracle.Chain.Artifacts;

/// <summary>A compiled contract as written by contracts/scripts/build.mjs.</summary>
public sealed record ContractArtifact
{
    /// <summary>The contract's name (also the artifact's file name).</summary>
    [JsonPropertyName("contractName")] public required string ContractName { get; init; }

    /// <summary>The source unit, relative to contracts/ (for example <c>src/VpnToken.sol</c>).</summary>
    [JsonPropertyName("sourceName")] public required string SourceName { get; init; }

    /// <summary>SHA-256 of the source file, hex.</summary>
    [JsonPropertyName("sourceHash")] public required string SourceHash { get; init; }

    /// <summary>SHA-256 of the creation bytecode's hex text, hex; recorded in deployment manifests.</summary>
    [JsonPropertyName("bytecodeHash")] public required string BytecodeHash { get; init; }

    /// <summary>The ABI, as JSON.</summary>
    [JsonPropertyName("abi")] public required JsonElement Abi { get; init; }

    /// <summary>Creation bytecode, 0x-prefixed hex; "0x" for interfaces.</summary>
    [JsonPropertyName("bytecode")] public required string Bytecode { get; init; }

    /// <summary>Runtime bytecode, 0x-prefixed hex.</summary>
    [JsonPropertyName("deployedBytecode")] public required string DeployedBytecode { get; init; }

    /// <summary>Whether the artifact has bytecode to deploy (interfaces and abstract contracts do not).</summary>
    [JsonIgnore] public bool IsDeployable => Bytecode.Length > 2;

    /// <summary>The ABI as the JSON text Nethereum's deserialiser takes.</summary>
    [JsonIgnore] public string AbiJson => Abi.GetRawText();
}
