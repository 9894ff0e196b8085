using EvidenceCollector.Extensions;
using Oracle.Hosting;
using Oracle.Storage;

// The evidence collector: verifies the gateways' evidence batches from RabbitMQ, stores them in PostgreSQL, keeps the
// global transparency log anchored on-chain and serves proofs (docs/collector.md). `evidence-collector audit` checks
// a collector's log against its anchors like a Certificate Transparency monitor.
if (args is ["audit", ..])
{
    return await EvidenceCollector.Audit.AuditCommand.RunAsync(args[1..]);
}

try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.ValidateOperatorSettings(CollectorConfigurationSchema.Create());
    builder.AddOracleServiceDefaults();
    var chain = await builder.AddOracleChainAsync(ChainRequirements.Node | ChainRequirements.Key);
    builder.AddOracleDatabase("collector", typeof(Program).Assembly);
    builder.AddEvidenceLog(chain!);
    builder.AddEvidenceIngestion();
    builder.AddEvidenceAnchoring(chain!);
    builder.AddEvidenceRetention();
    builder.AddEvidenceProofs();

    await using var app = builder.Build();
    app.MapOracleDefaultEndpoints();
    app.MapEvidenceProofs();
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (StartupErrors.IsOperatorError(e))
{
    return StartupErrors.Report("evidence-collector", e);
}
