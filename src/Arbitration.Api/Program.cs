using Arbitration.Api.Commands;
using Arbitration.Api.Extensions;
using Oracle.Hosting;
using Oracle.Storage;

// The arbitration API: relays signed dispute filings on-chain and serves a read model of providers, sessions, disputes,
// oracles and prices, with a dashboard (docs/api.md, docs/architecture.md).
if (SignFilingCommand.Matches(args))
{
    return await SignFilingCommand.RunAsync(args);
}

try
{
    // The dashboard's files are copied next to the dll (not left in the working folder, which an operator chooses).
    var webRoot = Path.Combine(AppContext.BaseDirectory, "wwwroot");
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, WebRootPath = Directory.Exists(webRoot) ? webRoot : null });
    builder.ValidateOperatorSettings(ApiConfigurationSchema.Create());
    builder.AddOracleServiceDefaults();
    await builder.AddOracleChainAsync(ChainRequirements.Node | ChainRequirements.Key);
    builder.AddOracleDatabase("arbitration", typeof(Program).Assembly);
    builder.AddArbitrationApi();        // problem details, limits, rate limiting, OpenAPI
    builder.AddReadModel();             // the indexer and the queries
    builder.AddDisputeFiling();         // the relayer, its limits, evidence

    await using var app = builder.Build();
    app.UseArbitrationApi();
    app.MapOracleDefaultEndpoints();    // /healthz, /metrics
    app.MapArbitrationApi();            // the API, /openapi/v1.json, the dashboard
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (StartupErrors.IsOperatorError(e))
{
    return StartupErrors.Report("arbitration-api", e);
}
