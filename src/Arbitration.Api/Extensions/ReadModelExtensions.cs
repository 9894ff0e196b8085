using Arbitration.Api.ReadModel;

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
        return builder;
    }
}
