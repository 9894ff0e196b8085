using System.ComponentModel.DataAnnotations;
using Arbitration.Api.ReadModel;
using Microsoft.Extensions.Options;
using Npgsql;
using Oracle.Chain.Events;

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
        builder.Services.AddOptions<ChainWatcherOptions>().Bind(builder.Configuration.GetSection(ChainWatcherOptions.SectionName))
            .Validate(o => Valid(o.Validate), $"{ChainWatcherOptions.SectionName}: RememberedBlocks 2..100000, PollInterval positive and at most MaxRetryDelay")
            .ValidateOnStart();
        builder.Services.AddHostedService<ReadModelIndexer>();
        return builder;
    }

    internal static bool Valid(Action validate)
    {
        try
        {
            validate();
            return true;
        }
        catch (ValidationException)
        {
            return false;
        }
    }
}
