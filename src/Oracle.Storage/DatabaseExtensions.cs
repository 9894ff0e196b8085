using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Oracle.Storage;

/// <summary>Gives a service its PostgreSQL schema: data source, health check, and migrations applied at start.</summary>
public static partial class DatabaseExtensions
{
    /// <summary>
    /// Adds the service's database from <c>Database:ConnectionString</c> (required: a missing one stops the start with one
    /// line): an <see cref="NpgsqlDataSource"/> whose connections use <paramref name="schema"/> as their search path, the
    /// <see cref="OracleDatabase"/>, a <c>database</c> health check, the chain watchers' cursor store in the schema
    /// (<see cref="Oracle.Chain.Events.IChainCursorStore"/>), and the migrations — Oracle.Storage's own (the cursor
    /// tables), then those embedded in <paramref name="migrations"/> (<c>Migrations/NNNN_name.sql</c>) — applied under
    /// an advisory lock before any hosted service starts.
    /// </summary>
    /// <param name="builder">The service's builder.</param>
    /// <param name="schema">The service's own schema (lower-case letters, digits and underscores), for example <c>collector</c>.</param>
    /// <param name="migrations">The assembly holding the service's migration scripts.</param>
    public static TBuilder AddOracleDatabase<TBuilder>(this TBuilder builder, string schema, Assembly migrations)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(migrations);
        if (!SchemaName().IsMatch(schema))
        {
            throw new ArgumentException($"schema '{schema}': lower-case letters, digits and underscores, starting with a letter", nameof(schema));
        }

        builder.Services.AddOptions<DatabaseOptions>()
            .Bind(builder.Configuration.GetSection(DatabaseOptions.Section))
            .Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString), $"Database:ConnectionString is not set: this service keeps its data in PostgreSQL (schema {schema})")
            .Validate(o => string.IsNullOrWhiteSpace(o.ConnectionString) || IsConnectionString(o.ConnectionString), "Database:ConnectionString is not a valid Npgsql connection string")
            .ValidateOnStart();
        builder.Services.AddSingleton(sp =>
        {
            var connection = new NpgsqlConnectionStringBuilder(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString) { SearchPath = schema };
            var dataSource = new NpgsqlDataSourceBuilder(connection.ConnectionString)
                .UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>())
                .Build();
            return new OracleDatabase(dataSource, schema);
        });
        builder.Services.AddSingleton(sp => sp.GetRequiredService<OracleDatabase>().DataSource);
        builder.Services.AddSingleton<Oracle.Chain.Events.IChainCursorStore>(sp => new ChainCursors.PostgresChainCursorStore(sp.GetRequiredService<OracleDatabase>().DataSource, schema));
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", HealthStatus.Unhealthy, ["ready"]);
        builder.Services.AddSingleton<IHostedService>(sp => new DatabaseMigrationService(
            sp.GetRequiredService<OracleDatabase>(), migrations, sp.GetRequiredService<ILogger<DatabaseMigrationService>>()));
        return builder;
    }

    private static bool IsConnectionString(string value)
    {
        try
        {
            _ = new NpgsqlConnectionStringBuilder(value);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{0,62}$")]
    private static partial Regex SchemaName();
}
