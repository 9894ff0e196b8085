using Oracle.AbiGen;

// Usage: Oracle.AbiGen <artifacts-dir> <output-dir> [--namespace N] [--artifacts-class C] [--reference <artifacts-dir>=<namespace>]
// Writes one <Contract>.g.cs per deployable contract and Shared.g.cs (structs and custom errors, one class per name),
// and deletes generated files of contracts that no longer exist. --reference names artifacts whose bindings another run
// generated (the shipped contracts, for the test doubles): their structs and errors are used, not generated again.
if (args.Length < 2 || args.Length % 2 != 0)
{
    return Usage();
}

var options = new GeneratorOptions { ArtifactsDir = args[0], OutputDir = args[1] };
for (var i = 2; i < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--namespace":
            options = options with { Namespace = args[i + 1] };
            break;
        case "--artifacts-class":
            options = options with { ArtifactsClass = args[i + 1] };
            break;
        case "--reference" when args[i + 1].Split('=') is [var dir, var ns] && dir.Length > 0 && ns.Length > 0:
            options = options with { ReferenceArtifactsDir = dir, ReferenceNamespace = ns };
            break;
        default:
            return Usage();
    }
}

try
{
    var written = BindingGenerator.Run(options);
    Console.WriteLine($"abigen: {written} contract binding(s) in {options.OutputDir}");
    return 0;
}
catch (AbiGenException e)
{
    Console.Error.WriteLine($"abigen: error: {e.Message}");
    return 1;
}

static int Usage()
{
    Console.Error.WriteLine("usage: Oracle.AbiGen <artifacts-dir> <output-dir> [--namespace N] [--artifacts-class C] [--reference <artifacts-dir>=<namespace>]");
    return 2;
}
