using System.ComponentModel.DataAnnotations;
using Arbitration.Api.ReadModel;
using Microsoft.Extensions.Options;
using Oracle.Chain.Events;

namespace Arbitration.Api.Extensions;

/// <summary>The read model: the projection of every contract event, and the queries the API answers from.</summary>
internal static class ReadModelExtensions
{
    public static WebApplicationBuilder AddReadModel(this WebApplicationBuilder builder)
    {
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
