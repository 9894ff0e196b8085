using Npgsql;

namespace Oracle.Storage;

/// <summary>
/// A service's database: the data source (its connections' <c>search_path</c> is the service's schema, so SQL names
/// tables without a schema) and the schema itself. Registered by <see cref="DatabaseExtensions.AddOracleDatabase"/>.
/// </summary>
/// <param name="DataSource">Connections to the service's schema.</param>
/// <param name="Schema">The schema the service owns.</param>
public sealed record OracleDatabase(NpgsqlDataSource DataSource, string Schema);
