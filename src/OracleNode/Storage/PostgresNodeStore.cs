using System.Data.Common;
using Npgsql;
using Oracle.Chain.Events;
using Oracle.Storage;
using Oracle.Storage.ChainCursors;

namespace OracleNode.Storage;

/// <summary>The node's tables in its PostgreSQL schema (<c>oracle_node</c>), created by the service's migrations.</summary>
internal sealed class PostgresNodeStore(OracleDatabase database) : SqlNodeStore
{
    public override string Description => $"PostgreSQL schema {database.Schema}";

    public override IChainCursorStore Cursors { get; } = new PostgresChainCursorStore(database.DataSource, database.Schema);

    /// <summary>Applies the node's migrations (the service host applies them first anyway) and the watcher's cursor tables.</summary>
    public override async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await DatabaseMigrator.MigrateAsync(database.DataSource, typeof(PostgresNodeStore).Assembly, database.Schema, cancellationToken).ConfigureAwait(false);
        await PostgresChainCursorStore.MigrateAsync(database.DataSource, database.Schema, cancellationToken).ConfigureAwait(false);
    }

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
        => await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>A store on <paramref name="connectionString"/>, schema <paramref name="schema"/> (the commands' way in).</summary>
    public static PostgresNodeStore Create(string connectionString, string schema)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema };
        return new PostgresNodeStore(new OracleDatabase(NpgsqlDataSource.Create(builder.ConnectionString), schema));
    }
}
