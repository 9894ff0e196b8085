using DbUp.Engine;

namespace Oracle.Storage;

/// <summary>Runs every migration script with <c>search_path</c> set to the service's schema (scripts run in a transaction).</summary>
internal sealed class SchemaPreprocessor(string schema) : IScriptPreprocessor
{
    public string Process(string contents)
        => $"SET LOCAL search_path TO \"{schema.Replace("\"", "\"\"", StringComparison.Ordinal)}\";\n{contents}";
}
