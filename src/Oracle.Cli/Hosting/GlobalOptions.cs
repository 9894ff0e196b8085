using System.CommandLine;

namespace Oracle.Cli.Hosting;

/// <summary>The options every command takes: where the chain is, which network, whose key, and the output form.</summary>
internal sealed class GlobalOptions
{
    public Option<string?> Config { get; } = new("--config")
    {
        Description = "A configuration file (JSON, sections Chain and Api); default ~/.config/oracle/config.json when it exists. ORACLE_<Section>__<Key> variables override it",
        Recursive = true,
    };

    public Option<string?> RpcUrl { get; } = new("--rpc-url")
    {
        Description = "The chain node's JSON-RPC URL (default: the manifest's rpcUrl)",
        Recursive = true,
    };

    public Option<string?> Manifest { get; } = new("--manifest", "-m")
    {
        Description = "The network's deployment manifest (default: deployments/devnet.json of the checkout)",
        Recursive = true,
    };

    public Option<string?> Keystore { get; } = new("--keystore", "-k")
    {
        Description = "Your key: a Web3 Secret Storage file (`oracle keys create` makes one)",
        Recursive = true,
    };

    public Option<string?> PasswordFile { get; } = new("--password-file")
    {
        Description = "A file whose first line is the keystore's password (else ORACLE_KEYSTORE_PASSWORD, else a prompt)",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print the result as JSON on standard output (progress stays on standard error)",
        Recursive = true,
    };

    public IEnumerable<Option> All => [Config, RpcUrl, Manifest, Keystore, PasswordFile, Json];
}
