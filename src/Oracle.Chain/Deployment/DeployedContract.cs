using System.Text.Json.Serialization;

namespace Oracle.Chain.Deployment;

/// <summary>Where one contract of a network lives and what was deployed there.</summary>
public sealed record DeployedContract
{
    /// <summary>The contract's address (checksummed).</summary>
    [JsonPropertyName("address")] public required string Address { get; init; }

    /// <summary>The block the deployment transaction was mined in: event scans start here.</summary>
    [JsonPropertyName("blockNumber")] public required ulong BlockNumber { get; init; }

    /// <summary>The deployment transaction.</summary>
    [JsonPropertyName("transactionHash")] public required string TransactionHash { get; init; }

    /// <summary>SHA-256 of the artifact's creation bytecode, as in contracts/artifacts.</summary>
    [JsonPropertyName("bytecodeHash")] public required string BytecodeHash { get; init; }

    /// <summary>SHA-256 of the contract's source file.</summary>
    [JsonPropertyName("sourceHash")] public required string SourceHash { get; init; }

    /// <summary>The artifact (contract name in contracts/artifacts) deployed here, when it differs from the manifest key
    /// or for clarity; <see langword="null"/> in manifests written before it was recorded.</summary>
    [JsonPropertyName("contract")] public string? Contract { get; init; }
}
