using Oracle.Hosting;
using Oracle.Storage;

// The arbitration API: relays signed dispute filings on-chain and serves a read model of sessions, disputes, oracles and
// prices (docs/architecture.md).
try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddOracleServiceDefaults();
    await builder.AddOracleChainAsync(ChainRequirements.Node | ChainRequirements.Key);
    builder.AddOracleDatabase("arbitration", typeof(Program).Assembly);

    await using var app = builder.Build();
    app.MapOracleDefaultEndpoints();
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (StartupErrors.IsOperatorError(e))
{
    return StartupErrors.Report("arbitration-api", e);
}
