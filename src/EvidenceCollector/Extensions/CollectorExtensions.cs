using EvidenceCollector.Anchoring;
using EvidenceCollector.Ingestion;
using EvidenceCollector.Log;
using EvidenceCollector.Proofs;
using EvidenceCollector.Retention;
using MassTransit;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Oracle.Chain;
using Oracle.Chain.Deployment;
using Oracle.Hosting;

namespace EvidenceCollector.Extensions;

/// <summary>The collector's capabilities, one registration each (Program.cs lists them).</summary>
internal static class CollectorExtensions
{
    /// <summary>
    /// The global log: its identity (origin, log id, checkpoint key derived from the collector's Ethereum key), the
    /// sequencer and the lease that lets one process at a time run it and the leader's duties.
    /// </summary>
    public static WebApplicationBuilder AddEvidenceLog(this WebApplicationBuilder builder, ChainContext chain)
    {
        builder.Services.AddOptions<LogOptions>().Bind(builder.Configuration.GetSection(LogOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => o.Origin is null || Oracle.Core.Transparency.CheckpointBody.IsValidOrigin(o.Origin), "Log:Origin is one word without spaces or '+', for example collector.example.org/evidence")
            .ValidateOnStart();
        var instance = builder.Configuration["Collector:Instance"] is { Length: > 0 } name ? name : $"{Environment.MachineName}/{Environment.ProcessId}";
        builder.Services.AddSingleton(new CollectorInstance(instance));
        builder.Services.AddSingleton<CollectorMetrics>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp =>
        {
            var key = chain.RequireSigner("the collector signs its log's checkpoints and anchors them");
            var address = key.GetPublicAddress();
            var origin = sp.GetRequiredService<IOptions<LogOptions>>().Value.Origin ?? LogIdentity.DefaultOrigin(chain.ChainId, address);
            var noteKey = Oracle.Core.Transparency.NoteKey.Derive(origin, key.GetPrivateKeyAsBytes(), LogIdentity.KeyLabel);
            return new LogIdentity(origin, noteKey, chain.ChainId, chain.AddressOf(ContractNames.SessionManager), address);
        });
        builder.Services.AddSingleton<Sequencer>();
        builder.Services.AddSingleton<LatestHead>();
        builder.Services.AddSingleton<LogReader>();
        builder.Services.AddSingleton<LeaderService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LeaderService>());
        return builder;
    }

    /// <summary>
    /// Ingestion: the evidence batch consumer on the bus (one quorum queue for all processes), the group committer that
    /// decides its deliveries a group per transaction, the on-chain session directory fed by the session watcher (the
    /// SessionOpened events, so sessions are known before their first batch), the PostgreSQL store with its
    /// cache of session heads, and the rejected-batches queue.
    /// </summary>
    public static WebApplicationBuilder AddEvidenceIngestion(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<IngestionOptions>().Bind(builder.Configuration.GetSection(IngestionOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => o.Queue != o.RejectedQueue, "Ingestion:Queue and Ingestion:RejectedQueue must differ")
            .ValidateOnStart();
        builder.Services.AddSingleton<ChainSessionDirectory>();
        builder.Services.AddSingleton<ISessionDirectory>(sp => sp.GetRequiredService<ChainSessionDirectory>());
        builder.Services.AddSingleton<SessionWatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SessionWatcher>());
        builder.Services.AddSingleton<SessionHeadCache>();
        builder.Services.AddSingleton<EvidenceStore>();
        builder.Services.AddSingleton(sp =>
        {
            var ingestion = ActivatorUtilities.CreateInstance<BatchIngestion>(sp);
            var leader = sp.GetRequiredService<LeaderService>();
            ingestion.Stored += leader.Wake;
            return ingestion;
        });
        builder.Services.AddSingleton<RejectedBatchQueue>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RejectedBatchQueue>());
        builder.Services.AddSingleton<BatchAnswers>();
        builder.Services.AddSingleton<GroupCommitter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<GroupCommitter>());
        builder.AddOracleBus(bus => bus.AddConsumer<EvidenceBatchConsumer, EvidenceBatchConsumerDefinition>());
        return builder;
    }

    /// <summary>
    /// Anchoring: the sequencer's duty of registering the collector with its bond and anchoring the log's head in the
    /// EvidenceRegistry, through the platform's transaction sender (section <c>Chain:Transactions</c>).
    /// </summary>
    public static WebApplicationBuilder AddEvidenceAnchoring(this WebApplicationBuilder builder, ChainContext chain)
    {
        builder.Services.AddOptions<AnchoringOptions>().Bind(builder.Configuration.GetSection(AnchoringOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        chain.RequireSigner("the collector anchors its log");
        // Anchors go through the platform's one TransactionSender (AddOracleChainAsync, section Chain:Transactions).
        builder.Services.AddSingleton<AnchorLedger>();
        builder.Services.AddSingleton<AnchoringStatus>();
        builder.Services.AddSingleton<AnchorService>();
        builder.Services.AddSingleton<ILeaderDuty>(sp => sp.GetRequiredService<AnchorService>());
        builder.Services.AddHealthChecks().AddCheck<AnchoringHealthCheck>("anchoring", HealthStatus.Degraded);
        return builder;
    }

    /// <summary>Retention: the sequencer's duty of deleting records (never hashes) after the sessions' dispute windows.</summary>
    public static WebApplicationBuilder AddEvidenceRetention(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RetentionOptions>().Bind(builder.Configuration.GetSection(RetentionOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<RecordRetention>();
        builder.Services.AddSingleton<ILeaderDuty>(sp => sp.GetRequiredService<RecordRetention>());
        return builder;
    }

    /// <summary>The read API (proofs, JSON), its OpenAPI document, and the C2SP tiles of the global log.</summary>
    public static WebApplicationBuilder AddEvidenceProofs(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<Proofs.RegistryAnchors>();
        builder.Services.AddSingleton<Proofs.ProofService>();
        // A request that does not bind says why ("Failed to bind parameter ... from ...").
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = c => c.ProblemDetails.Detail ??= (c.Exception as BadHttpRequestException)?.Message);
        builder.Services.AddOpenApi("v1", o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Oracle evidence collector";
            document.Info.Description = "Session evidence (checkpoints, vouchers, sealed records) with RFC 9162 proofs, and the collector's global log anchored in the EvidenceRegistry (docs/collector.md).";
            return Task.CompletedTask;
        }));
        return builder;
    }

    /// <summary>Maps the read API, <c>/openapi/v1.json</c>, <c>/checkpoint</c> and <c>/tile/...</c>, each request timed (<see cref="RequestTiming"/>).</summary>
    public static WebApplication MapEvidenceProofs(this WebApplication app)
    {
        // A request the endpoints cannot bind (a session id that is not a number, a missing query value) is the
        // client's mistake: 400 with a problem, not a server error.
        app.UseRequestTiming(app.Services.GetRequiredService<CollectorMetrics>());
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = e => e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        app.MapOpenApi();
        app.MapProofEndpoints();
        app.MapTileEndpoints();
        return app;
    }
}
