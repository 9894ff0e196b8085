using Oracle.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddOracleServiceDefaults();

var app = builder.Build();
app.MapOracleDefaultEndpoints();
app.Run();
