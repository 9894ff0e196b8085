namespace OracleNode.Hosting;

/// <summary>Where the node keeps its data when no PostgreSQL is configured (section <c>Store</c>).</summary>
internal sealed class StoreOptions
{
    public const string Section = "Store";

    /// <summary>
    /// An embedded SQLite file, used when <c>Database:ConnectionString</c> is not set (one operator, no database
    /// server). Back it up with the keystore: it holds the salts of votes not revealed yet.
    /// </summary>
    public string? SqlitePath { get; set; }
}
