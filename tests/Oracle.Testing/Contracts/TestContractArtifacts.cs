using System.Collections.Frozen;
using Oracle.Chain.Artifacts;
using Oracle.Chain.Errors;

namespace Oracle.Testing.Contracts;

/// <summary>
/// The artifacts of the test doubles under contracts/src/testing, embedded in this assembly (they are not part of the
/// shipped Oracle.Chain). Their generated bindings (<c>Oracle.Testing.Contracts.&lt;Contract&gt;</c>) read the bytecode
/// here; their custom errors are registered with <see cref="ContractErrorDecoder"/> on first use.
/// </summary>
public static class TestContractArtifacts
{
    private static readonly FrozenDictionary<string, ContractArtifact> All = Load();

    /// <summary>Every test double's artifact, by contract name.</summary>
    public static IReadOnlyDictionary<string, ContractArtifact> Known => All;

    /// <summary>The artifact of <paramref name="contractName"/>.</summary>
    /// <exception cref="KeyNotFoundException">No test double of that name was compiled.</exception>
    public static ContractArtifact Get(string contractName)
        => All.TryGetValue(contractName, out var artifact)
            ? artifact
            : throw new KeyNotFoundException($"no test contract '{contractName}' (known: {string.Join(", ", All.Keys)})");

    private static FrozenDictionary<string, ContractArtifact> Load()
    {
        var all = ContractArtifacts.ReadEmbedded(typeof(TestContractArtifacts).Assembly, "Oracle.Testing.Contracts.");
        ContractErrorDecoder.Register(all.Values);
        return all;
    }
}
