using Microsoft.Extensions.Configuration;
using Oracle.Hosting;
using Oracle.Storage;
using OracleNode.Hosting;

namespace OracleNode.Storage;

/// <summary>Which store the configuration names: PostgreSQL when <c>Database:ConnectionString</c> is set, else the SQLite file.</summary>
internal static class NodeStores
{
    public const string Schema = "oracle_node";

    /// <summary>Whether the node keeps its data in PostgreSQL.</summary>
    public static bool UsesPostgres(IConfiguration configuration)
        => !string.IsNullOrWhiteSpace(configuration[$"{DatabaseOptions.Section}:{nameof(DatabaseOptions.ConnectionString)}"]);

    /// <summary>The configured store (not initialized).</summary>
    /// <exception cref="ConfigurationException">Neither store is configured.</exception>
    public static INodeStore Create(IConfiguration configuration, NodeSettings settings)
    {
        if (UsesPostgres(configuration))
        {
            return PostgresNodeStore.Create(configuration[$"{DatabaseOptions.Section}:{nameof(DatabaseOptions.ConnectionString)}"]!, Schema);
        }

        return new SqliteNodeStore(settings.Store.SqlitePath ?? throw MissingStore());
    }

    public static ConfigurationException MissingStore()
        => new("no store: set Database:ConnectionString (PostgreSQL, schema oracle_node) or Store:SqlitePath (an embedded SQLite file, for a single operator)");
}
