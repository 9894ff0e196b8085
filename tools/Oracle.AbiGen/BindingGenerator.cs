using System.Text.Json;

namespace Oracle.AbiGen;

/// <summary>
/// Turns solc artifacts into Nethereum typed messages: one namespace per contract
/// (<c>&lt;Namespace&gt;.&lt;Contract&gt;</c>) holding function messages, output DTOs, event DTOs, a typed deployment
/// message and a service with one method per function; and one class per Solidity struct and per custom error in the
/// root namespace, shared by every contract that uses it (two declarations of one name must agree).
/// </summary>
public static class BindingGenerator
{
    // A contract name cannot contain a dot, so this never collides with a contract's file.
    private const string SharedFileName = "Shared.g.cs";

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = false };

    /// <summary>Generates bindings for every deployable contract in <paramref name="artifactsDir"/> into the default namespace.</summary>
    /// <returns>The number of contracts written.</returns>
    public static int Run(string artifactsDir, string outputDir) => Run(new GeneratorOptions { ArtifactsDir = artifactsDir, OutputDir = outputDir });

    /// <summary>
    /// Generates one file per deployable contract and one file of the structs and custom errors they share
    /// (<c>Shared.g.cs</c>), and deletes generated files of contracts that no longer exist.
    /// </summary>
    /// <returns>The number of contracts written.</returns>
    /// <exception cref="AbiGenException">An artifact is unreadable, or two contracts declare a struct or an error of the same name differently.</exception>
    public static int Run(GeneratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var contracts = LoadDeployable(options.ArtifactsDir);
        var referenced = new SharedTypes(null);
        if (options.ReferenceArtifactsDir is { } referenceDir)
        {
            foreach (var artifact in LoadDeployable(referenceDir))
            {
                referenced.Collect(artifact);
            }
        }

        var shared = new SharedTypes(referenced);
        foreach (var artifact in contracts)
        {
            shared.Collect(artifact);
        }

        shared.CheckNames(contracts);
        Directory.CreateDirectory(options.OutputDir);
        var expected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var artifact in contracts)
        {
            var fileName = artifact.ContractName + ".g.cs";
            expected.Add(fileName);
            WriteIfChanged(Path.Combine(options.OutputDir, fileName), new ContractWriter(artifact, options).Write());
        }

        if (shared.Structs.Count + shared.Errors.Count > 0)
        {
            expected.Add(SharedFileName);
            WriteIfChanged(Path.Combine(options.OutputDir, SharedFileName), SharedWriter.Write(shared, options));
        }

        foreach (var stale in Directory.EnumerateFiles(options.OutputDir, "*.g.cs"))
        {
            if (!expected.Contains(Path.GetFileName(stale)))
            {
                File.Delete(stale);
            }
        }

        return contracts.Count;
    }

    private static List<ContractArtifactFile> LoadDeployable(string artifactsDir)
    {
        if (!Directory.Exists(artifactsDir))
        {
            throw new AbiGenException($"no artifacts folder at {artifactsDir}: build the contracts first");
        }

        var contracts = new List<ContractArtifactFile>();
        foreach (var path in Directory.EnumerateFiles(artifactsDir, "*.json").Order(StringComparer.Ordinal))
        {
            if (Path.GetFileName(path) == "index.json")
            {
                continue;
            }

            ContractArtifactFile artifact;
            try
            {
                artifact = JsonSerializer.Deserialize<ContractArtifactFile>(File.ReadAllText(path), JsonOptions)
                    ?? throw new AbiGenException($"{path} is empty");
            }
            catch (JsonException e)
            {
                throw new AbiGenException($"{path} is not a valid artifact: {e.Message}");
            }

            // Interfaces have no bytecode to deploy; libraries of internal functions have bytecode but nothing to call
            // (their ABI holds at most errors, which the error decoder reads from the artifacts directly). Their
            // errors and events reach the bindings through the ABI of the contracts that use them.
            if (artifact.Bytecode.Length <= 2 || !artifact.Abi.Any(e => e.Type is "function" or "event" or "constructor"))
            {
                continue;
            }

            if (artifact.Bytecode.Contains("__$", StringComparison.Ordinal))
            {
                throw new AbiGenException($"{artifact.ContractName} needs linked libraries; use internal library functions instead");
            }

            contracts.Add(artifact);
        }

        return contracts;
    }

    // Rewrite only when the text changed, so incremental builds stay incremental.
    private static void WriteIfChanged(string target, string code)
    {
        if (!File.Exists(target) || File.ReadAllText(target) != code)
        {
            File.WriteAllText(target, code);
        }
    }
}
