using Microsoft.Extensions.Configuration;
using Oracle.Chain;

namespace Oracle.Hosting.Tests;

/// <summary>Keys nothing reads and values nothing can convert, found before a service starts.</summary>
public sealed class ConfigurationSchemaTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("schema-").FullName;

    private static ConfigurationSchema Schema() => new ConfigurationSchema()
        .Add<ServiceSettings>()
        .Add<ChainOptions>(ChainOptions.Section)
        .Add<MeteringSettings>("Metering")
        .Add<BusOptions>(BusOptions.Section)
        .AddFreeForm("Logging");

    [Fact]
    public void Check_ValidConfiguration_NoProblem()
    {
        var problems = Schema().Check(Json("""
            { "Serve": { "Listen": "0.0.0.0:51820", "Policies": ["/a.json", "/b.json"], "Exit": { "Enabled": false, "Uplink": "eth0" } },
              "Connect": { "SessionId": 42, "Routes": [] },
              "Sessions": [ { "Id": 1, "Routes": ["10.0.0.0/8"], "Open": true }, { "Id": 2 } ],
              "Chain": { "RpcUrl": "http://127.0.0.1:8545", "Contracts": { "SessionManager": "0x01", "AnyName": "0x02" }, "Confirmations": 3 },
              "Metering": { "EpochInterval": "00:00:10", "Flows": { "IdleTimeout": "00:00:15" }, "Mode": "Strict" },
              "Bus": { "Url": "amqp://127.0.0.1/" },
              "Logging": { "LogLevel": { "Default": "Warning", "My.Category": "Debug" }, "Format": "json" } }
            """));

        Assert.Empty(problems);
    }

    [Fact]
    public void Check_MisspeltKey_NamesTheFileAndTheNearestKey()
    {
        var problems = Schema().Check(Json("""{ "Serve": { "Lisen": "0.0.0.0:51820" } }"""));

        var problem = Assert.Single(problems);
        Assert.Equal("Serve:Lisen", problem.Key);
        Assert.Equal($"unknown key Serve:Lisen in {_folder}/config.json (did you mean Serve:Listen?): nothing reads it", problem.Message);
    }

    [Fact]
    public void Check_MisspeltSection_OneProblemForTheWholeSection()
    {
        var problems = Schema().Check(Json("""{ "Meterng": { "EpochInterval": "00:00:05", "Flows": { "IdleTimeout": "00:00:01" } } }"""));

        var problem = Assert.Single(problems);
        Assert.Equal("Meterng", problem.Key);
        Assert.Contains("unknown section Meterng", problem.Message, StringComparison.Ordinal);
        Assert.Contains("(did you mean Metering?)", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_KeyInTheWrongSection_SuggestsWhereItBelongs()
    {
        var problems = Schema().Check(Json("""{ "Serve": { "SessionId": 7 } }"""));

        Assert.Contains("(did you mean Connect:SessionId?)", Assert.Single(problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_KeysInListsAndNestedObjects_Checked()
    {
        var problems = Schema().Check(Json("""
            { "Sessions": [ { "Id": 1, "Rotes": ["10.0.0.0/8"] } ], "Serve": { "Exit": { "Uplnk": "eth0" } }, "Metering": { "Flows": { "IdelTimeout": "1" } } }
            """));

        var byKey = problems.ToDictionary(p => p.Key, p => p.Message);
        Assert.Equal(3, byKey.Count);
        Assert.Contains("did you mean Sessions:0:Routes?", byKey["Sessions:0:Rotes"], StringComparison.Ordinal);
        Assert.Contains("did you mean Serve:Exit:Uplink?", byKey["Serve:Exit:Uplnk"], StringComparison.Ordinal);
        Assert.Contains("did you mean Metering:Flows:IdleTimeout?", byKey["Metering:Flows:IdelTimeout"], StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ValuesThatDoNotConvert_NamedWithWhatIsExpected()
    {
        var problems = Schema().Check(Json("""
            { "Connect": { "SessionId": "forty-two" }, "Serve": { "Exit": { "Enabled": "yes" } }, "Metering": { "EpochInterval": "ten seconds", "Mode": "Loose" } }
            """));

        var byKey = problems.ToDictionary(p => p.Key, p => p.Message);
        Assert.Equal(4, byKey.Count);
        Assert.Contains("Connect:SessionId in", byKey["Connect:SessionId"], StringComparison.Ordinal);
        Assert.Contains("'forty-two' is not an integer (UInt64)", byKey["Connect:SessionId"], StringComparison.Ordinal);
        Assert.Contains("'yes' is not true or false", byKey["Serve:Exit:Enabled"], StringComparison.Ordinal);
        Assert.Contains("'ten seconds' is not a duration (hh:mm:ss)", byKey["Metering:EpochInterval"], StringComparison.Ordinal);
        Assert.Contains("'Loose' is not one of Strict, Lenient", byKey["Metering:Mode"], StringComparison.Ordinal);
    }

    [Fact]
    public void Check_SectionGivenAValueOrValueGivenASection_Problem()
    {
        var problems = Schema().Check(Json("""{ "Serve": { "Exit": "off", "Listen": { "Address": "0.0.0.0" } } }"""));

        var byKey = problems.ToDictionary(p => p.Key, p => p.Message);
        Assert.Equal(2, byKey.Count);
        Assert.Contains("Serve:Exit in", byKey["Serve:Exit"], StringComparison.Ordinal);
        Assert.Contains("is a section, not a value", byKey["Serve:Exit"], StringComparison.Ordinal);
        Assert.Contains("Serve:Listen in", byKey["Serve:Listen:Address"], StringComparison.Ordinal);
        Assert.Contains("is a value (String), not a section", byKey["Serve:Listen:Address"], StringComparison.Ordinal);
    }

    [Fact]
    public void Check_EnvironmentVariable_NamesTheVariable()
    {
        var prefix = $"SCHEMATEST{Guid.NewGuid():N}_";
        Environment.SetEnvironmentVariable(prefix + "Serve__Lisen", "0.0.0.0:1");
        try
        {
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build();

            var problem = Assert.Single(Schema().Check(configuration));

            Assert.Equal($"unknown key Serve:Lisen from the environment ({prefix}Serve__Lisen) (did you mean Serve:Listen?): nothing reads it", problem.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "Serve__Lisen", null);
        }
    }

    [Fact]
    public void EnsureValid_Problems_ConfigurationExceptionWithEveryOne()
    {
        var configuration = Json("""{ "Serve": { "Lisen": "x", "Exit": { "Enabld": true } } }""");

        var error = Assert.Throws<ConfigurationException>(() => Schema().EnsureValid(configuration.Providers));

        Assert.Contains("unknown key Serve:Lisen", error.Message, StringComparison.Ordinal);
        Assert.Contains("unknown key Serve:Exit:Enabld", error.Message, StringComparison.Ordinal);
        Assert.Contains("; ", error.Message, StringComparison.Ordinal);
        Assert.True(StartupErrors.IsOperatorError(error));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private IConfigurationRoot Json(string text)
    {
        var path = Path.Combine(_folder, "config.json");
        File.WriteAllText(path, text);
        return new ConfigurationBuilder().AddJsonFile(path).Build();
    }

    private sealed class ServiceSettings
    {
        public ServeSection Serve { get; set; } = new();

        public ConnectSection Connect { get; set; } = new();

        public List<SessionEntry> Sessions { get; set; } = [];
    }

    private sealed class ServeSection
    {
        public string Listen { get; set; } = "0.0.0.0:51820";

        public List<string> Policies { get; set; } = [];

        public ExitSection Exit { get; set; } = new();
    }

    private sealed class ExitSection
    {
        public bool Enabled { get; set; } = true;

        public string? Uplink { get; set; }
    }

    private sealed class ConnectSection
    {
        public ulong SessionId { get; set; }

        public List<string> Routes { get; set; } = [];
    }

    private sealed class SessionEntry
    {
        public ulong Id { get; set; }

        public List<string> Routes { get; set; } = [];

        public bool Open { get; set; } = true;
    }

    private sealed class MeteringSettings
    {
        public TimeSpan EpochInterval { get; set; }

        public FlowSettings Flows { get; set; } = new();

        public MeteringMode Mode { get; set; }
    }

    private sealed class FlowSettings
    {
        public TimeSpan IdleTimeout { get; set; }
    }

    private enum MeteringMode
    {
        Strict,
        Lenient,
    }
}
