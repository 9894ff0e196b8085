using System.Text.Json.Serialization;

namespace Oracle.AbiGen;

/// <summary>One parameter of an ABI entry, as solc writes it.</summary>
public sealed record AbiParameter
{
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    [JsonPropertyName("type")] public string Type { get; init; } = "";
    [JsonPropertyName("internalType")] public string? InternalType { get; init; }
    [JsonPropertyName("indexed")] public bool Indexed { get; init; }
    [JsonPropertyName("components")] public List<AbiParameter>? Components { get; init; }
}

/// <summary>One entry of a contract ABI (function, event, error, constructor, receive, fallback).</summary>
public sealed record AbiEntry
{
    [JsonPropertyName("type")] public string Type { get; init; } = "";
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    [JsonPropertyName("stateMutability")] public string? StateMutability { get; init; }
    [JsonPropertyName("inputs")] public List<AbiParameter> Inputs { get; init; } = [];
    [JsonPropertyName("outputs")] public List<AbiParameter> Outputs { get; init; } = [];
    [JsonPropertyName("anonymous")] public bool Anonymous { get; init; }
}

/// <summary>The part of a contracts/artifacts/*.json file the generator reads.</summary>
public sealed record ContractArtifactFile
{
    [JsonPropertyName("contractName")] public string ContractName { get; init; } = "";
    [JsonPropertyName("sourceName")] public string SourceName { get; init; } = "";
    [JsonPropertyName("abi")] public List<AbiEntry> Abi { get; init; } = [];
    [JsonPropertyName("bytecode")] public string Bytecode { get; init; } = "0x";
}
