namespace Oracle.AbiGen;

/// <summary>What one run of the generator writes, and which types another run already generated.</summary>
public sealed record GeneratorOptions
{
    /// <summary>The folder of artifacts to generate bindings for (<c>contracts/artifacts</c>).</summary>
    public required string ArtifactsDir { get; init; }

    /// <summary>Where the <c>.g.cs</c> files go; generated files of contracts that no longer exist are deleted.</summary>
    public required string OutputDir { get; init; }

    /// <summary>
    /// The root namespace: contract <c>X</c> goes to <c>&lt;Namespace&gt;.X</c>, the structs and custom errors that all
    /// contracts share to <c>&lt;Namespace&gt;</c> itself.
    /// </summary>
    public string Namespace { get; init; } = "Oracle.Chain.Contracts";

    /// <summary>The static class whose <c>Get(name).Bytecode</c> gives a contract's embedded creation bytecode.</summary>
    public string ArtifactsClass { get; init; } = "Oracle.Chain.Artifacts.ContractArtifacts";

    /// <summary>
    /// Artifacts whose bindings another run generated (the shipped contracts, when generating the test doubles'):
    /// their structs and errors are used from <see cref="ReferenceNamespace"/> rather than generated again.
    /// </summary>
    public string? ReferenceArtifactsDir { get; init; }

    /// <summary>The root namespace of the run that generated <see cref="ReferenceArtifactsDir"/>.</summary>
    public string ReferenceNamespace { get; init; } = "Oracle.Chain.Contracts";
}
