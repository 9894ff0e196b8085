using Oracle.Hosting;
using Oracle.Storage;

// The evidence collector: verifies the gateways' evidence batches from RabbitMQ, stores them in PostgreSQL, keeps the
// transparency log anchored on-chain and serves proofs (docs/architecture.md).
try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddOracleServiceDefaults();
    await builder.AddOracleChainAsync(ChainRequirements.Node | ChainRequirements.Key);
    builder.AddOracleDatabase("collector", typeof(Program).Assembly);
    builder.AddOracleBus();

    await using var app = builder.Build();
    app.MapOracleDefaultEndpoints();
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (StartupErrors.IsOperatorError(e))
{
    return StartupErrors.Report("evidence-collector", e);
}
