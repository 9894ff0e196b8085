namespace Oracle.Storage;

/// <summary>The service's PostgreSQL database (section <c>Database</c>).</summary>
public sealed class DatabaseOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Database";

    /// <summary>Npgsql connection string, for example <c>Host=127.0.0.1;Port=5432;Database=oracle;Username=oracle;Password=…</c>.</summary>
    public string? ConnectionString { get; set; }
}
