using System.Text.Json;

namespace Oracle.Cli.Tests.Support;

/// <summary>What one `oracle` invocation did: exit code, standard output, standard error.</summary>
public sealed record CliResult(int ExitCode, string Output, string Error)
{
    /// <summary>Standard output as JSON (the command ran with --json).</summary>
    public JsonElement Json => JsonDocument.Parse(Output).RootElement;

    /// <summary>For assertion messages.</summary>
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}
