using Arbitration.Api.Evidence;
using Arbitration.Api.Filing;
using Microsoft.Extensions.Options;
using Oracle.Chain;
using Oracle.Chain.Transactions;

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
        builder.Services.AddOptions<TransactionSenderOptions>().Bind(builder.Configuration.GetSection(TransactionSenderOptions.SectionName))
            .Validate(o => ReadModelExtensions.Valid(o.Validate), $"{TransactionSenderOptions.SectionName}: a setting is out of range (docs/operations.md)")
            .ValidateOnStart();
        builder.Services.AddSingleton<ITransactionSender>(sp => new TransactionSender(sp.GetRequiredService<ChainContext>(),
            sp.GetRequiredService<IOptions<TransactionSenderOptions>>().Value, sp.GetRequiredService<ILogger<TransactionSender>>(), sp.GetRequiredService<TimeProvider>()));
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
