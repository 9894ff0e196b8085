namespace Oracle.Hosting;

/// <summary>The PostgreSQL database (section <c>Database</c>).</summary>
public sealed class DatabaseOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Database";

    /// <summary>Npgsql connection string.</summary>
    public string? ConnectionString { get; set; }
}
