using Arbitration.Api.Evidence;
using Arbitration.Api.Filing;

namespace Arbitration.Api.Extensions;

/// <summary>Gasless filing: the relayer (the service's key), its limits and balance alert, the filing and evidence stores.</summary>
internal static class FilingExtensions
{
    public static WebApplicationBuilder AddDisputeFiling(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RelayerOptions>().Bind(builder.Configuration.GetSection(RelayerOptions.Section)).ValidateDataAnnotations()
            .Validate(o => o.BalanceCheckInterval > TimeSpan.Zero && o.RelayLease > TimeSpan.Zero && o.DuplicateWait >= TimeSpan.Zero,
                "Relayer: BalanceCheckInterval and RelayLease must be positive")
            .ValidateOnStart();
        builder.Services.AddSingleton<ArbitrationMetrics>();
        builder.Services.AddSingleton<IFilingChain, ChainFilingChain>();
        // The relayer sends through the platform's one TransactionSender (AddOracleChainAsync, section Chain:Transactions).
        builder.Services.AddSingleton<IRelaySender, SenderRelay>();
        builder.Services.AddSingleton<FilingStore>();
        builder.Services.AddSingleton<RelayerBudget>();
        builder.Services.AddSingleton<EvidenceStore>();
        builder.Services.AddSingleton<FilingService>();
        builder.Services.AddSingleton<RelayerBalanceMonitor>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RelayerBalanceMonitor>());
        builder.Services.AddHealthChecks().AddCheck<RelayerBalanceMonitor>("relayer", tags: ["ready"]);
        return builder;
    }
}
