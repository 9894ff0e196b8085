using Arbitration.Api.ReadModel;
using Npgsql;

namespace Arbitration.Api.Extensions;

/// <summary>The read model: the projection of every contract event, and the queries the API answers from.</summary>
internal static class ReadModelExtensions
{
    public static WebApplicationBuilder AddReadModel(this WebApplicationBuilder builder)
    {
        // Reads are a few short statements each: prepared once per connection, PostgreSQL plans them once (unless the
        // operator's connection string says otherwise).
        if (builder.Configuration["Database:ConnectionString"] is { Length: > 0 } connectionString)
        {
            try
            {
                var connection = new NpgsqlConnectionStringBuilder(connectionString);
                if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
                {
                    connection.MaxAutoPrepare = 64;
                    connection.AutoPrepareMinUsages = 2;
                    builder.Configuration["Database:ConnectionString"] = connection.ConnectionString;
                }
            }
            catch (ArgumentException)
            {
                // Not a connection string: AddOracleDatabase's validation reports it in one line at start.
            }
        }

        builder.Services.AddSingleton<ReadModelContracts>();
        builder.Services.AddSingleton<ReadModelQueries>();
        builder.Services.AddSingleton<IChainFacts, ChainFacts>();
        builder.Services.AddSingleton<ReadModelProjection>();
        builder.Services.AddHostedService<ReadModelIndexer>();
        return builder;
    }
}
