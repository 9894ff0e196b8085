using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json;

namespace Oracle.Chain.Artifacts;

/// <summary>
/// The contract artifacts embedded in this assembly at build time (contracts/artifacts/*.json), so services
/// never need the contracts folder or Node at run time.
/// </summary>
public static class ContractArtifacts
{
    private const string ResourcePrefix = "Oracle.Chain.Artifacts.";

    private static readonly Lazy<FrozenDictionary<string, ContractArtifact>> All = new(() => ReadEmbedded(typeof(ContractArtifacts).Assembly, ResourcePrefix));

    /// <summary>Every embedded artifact, by contract name.</summary>
    public static IReadOnlyDictionary<string, ContractArtifact> Known => All.Value;

    /// <summary>The artifact of <paramref name="contractName"/>.</summary>
    /// <exception cref="KeyNotFoundException">No contract of that name was compiled.</exception>
    public static ContractArtifact Get(string contractName)
        => All.Value.TryGetValue(contractName, out var artifact)
            ? artifact
            : throw new KeyNotFoundException($"no artifact for contract '{contractName}' (known: {string.Join(", ", All.Value.Keys)})");

    /// <summary>
    /// Reads the artifacts embedded in <paramref name="assembly"/> under <paramref name="resourcePrefix"/>
    /// (<c>&lt;prefix&gt;&lt;Contract&gt;.json</c>; <c>index.json</c> is skipped). The test doubles' bindings in
    /// tests/Oracle.Testing embed theirs this way.
    /// </summary>
    /// <exception cref="InvalidDataException">An embedded artifact is empty.</exception>
    public static FrozenDictionary<string, ContractArtifact> ReadEmbedded(Assembly assembly, string resourcePrefix)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var artifacts = new Dictionary<string, ContractArtifact>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(resourcePrefix, StringComparison.Ordinal) || resource.EndsWith(".index.json", StringComparison.Ordinal))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            var artifact = JsonSerializer.Deserialize<ContractArtifact>(stream)
                ?? throw new InvalidDataException($"embedded artifact {resource} is empty");
            artifacts.Add(artifact.ContractName, artifact);
        }

        return artifacts.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
