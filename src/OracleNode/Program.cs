using Oracle.Hosting;
using Oracle.Storage;

// The oracle node: watches the chain for disputes it is drawn for, verifies the evidence, and votes (docs/architecture.md).
try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddOracleServiceDefaults();
    await builder.AddOracleChainAsync(ChainRequirements.Node | ChainRequirements.Key);
    builder.AddOracleDatabase("oracle_node", typeof(Program).Assembly);

    await using var app = builder.Build();
    app.MapOracleDefaultEndpoints();
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (StartupErrors.IsOperatorError(e))
{
    return StartupErrors.Report("oracle-node", e);
}
