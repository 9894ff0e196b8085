using System.Data.Common;
using Npgsql;
using Oracle.Storage;

namespace OracleNode.Storage;

/// <summary>The node's tables in its PostgreSQL schema (<c>oracle_node</c>), created by the service's migrations.</summary>
internal sealed class PostgresNodeStore(OracleDatabase database) : SqlNodeStore
{
    public override string Description => $"PostgreSQL schema {database.Schema}";

    /// <summary>Applies the migrations (the running service's host already did; the commands call this themselves).</summary>
    public override Task InitializeAsync(CancellationToken cancellationToken)
        => DatabaseMigrator.MigrateAsync(database.DataSource, typeof(PostgresNodeStore).Assembly, database.Schema, cancellationToken);

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
        => await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>A store on <paramref name="connectionString"/>, schema <paramref name="schema"/> (the commands' way in).</summary>
    public static PostgresNodeStore Create(string connectionString, string schema)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema };
        return new PostgresNodeStore(new OracleDatabase(NpgsqlDataSource.Create(builder.ConnectionString), schema));
    }
}
