using Oracle.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddOracleServiceDefaults();
builder.AddOracleDependencies(OracleDependencies.Chain | OracleDependencies.Database);

var app = builder.Build();
app.MapOracleDefaultEndpoints();
app.Run();
