using Oracle.AbiGen;

// Usage: Oracle.AbiGen <artifacts-dir> <output-dir>
// Writes one <Contract>.g.cs per deployable contract and deletes generated files of contracts that no longer exist.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: Oracle.AbiGen <artifacts-dir> <output-dir>");
    return 2;
}

try
{
    var written = BindingGenerator.Run(args[0], args[1]);
    Console.WriteLine($"abigen: {written} contract binding(s) in {args[1]}");
    return 0;
}
catch (AbiGenException e)
{
    Console.Error.WriteLine($"abigen: error: {e.Message}");
    return 1;
}
