using System.CommandLine;

namespace OracleNode.Commands;

/// <summary>Options every command takes.</summary>
internal static class CommonOptions
{
    /// <summary><c>--config</c>: the node's JSON configuration file (environment variables override it).</summary>
    public static readonly Option<string?> Config = new("--config", "-c")
    {
        Description = "Configuration file (JSON); environment variables (Section__Key, or ORACLENODE_Section__Key) override it",
        Recursive = true,
    };

    /// <summary><c>--json</c>: machine-readable output.</summary>
    public static Option<bool> Json() => new("--json") { Description = "Print JSON (for scripts)" };
}
