using Oracle.Chain.Keys;

namespace Oracle.MeteringBench;

/// <summary>
/// Writes development key <c>--index</c> (local chain only) to a keystore file for a benchmark's gateway, with the
/// password in <c>ORACLE_KEYSTORE_PASSWORD</c>; prints the address.
/// </summary>
internal static class KeystoreCommand
{
    public static Task<int> RunAsync(Arguments args)
    {
        var key = DevelopmentKeys.Key((int)args.Long("index", 40));
        var password = Environment.GetEnvironmentVariable(KeyStoreFile.PasswordVariable)
            ?? throw new InvalidOperationException($"set {KeyStoreFile.PasswordVariable}");
        KeyStoreFile.Create(args.String("out"), key, password, KeyStoreCost.Light);
        Console.WriteLine(key.GetPublicAddress());
        return Task.FromResult(0);
    }
}
