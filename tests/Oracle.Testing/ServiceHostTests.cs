using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Oracle.Chain.Keys;

namespace Oracle.Testing;

/// <summary>
/// What every service host must do, tested once and inherited by each service's test project: start, answer
/// <c>/healthz</c> and <c>/metrics</c>, report each configured dependency in its health, and refuse to start with a
/// key it cannot open.
/// </summary>
/// <typeparam name="TProgram">The service's entry point.</typeparam>
public abstract class ServiceHostTests<TProgram>
    where TProgram : class
{
    /// <summary>The service's host with <paramref name="settings"/> as configuration.</summary>
    protected static WebApplicationFactory<TProgram> Factory(IReadOnlyDictionary<string, string?> settings)
        => new WebApplicationFactory<TProgram>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }
        });

    [Fact]
    public async Task Start_NothingConfigured_AnswersHealthAndMetrics()
    {
        await using var factory = Factory(new Dictionary<string, string?>());
        using var client = factory.CreateClient();

        var health = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        var metrics = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Contains("# TYPE", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_RealChainAndDatabaseWithKeystore_IsHealthy()
    {
        var services = await LocalServices.GetAsync();
        using var keys = new TemporaryKeystore();
        await using var factory = Factory(new Dictionary<string, string?>
        {
            ["Chain:RpcUrl"] = services.RpcUrl,
            ["Chain:Keystore"] = keys.Path,
            ["Chain:PasswordFile"] = keys.PasswordFile,
            ["Database:ConnectionString"] = services.PostgresConnectionString,
        });
        using var client = factory.CreateClient();

        var health = await client.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Start_WrongKeystorePassword_FailsNamingTheKeystore()
    {
        var services = await LocalServices.GetAsync();
        using var keys = new TemporaryKeystore();
        File.WriteAllText(keys.PasswordFile, "not the password\n");
        await using var factory = Factory(new Dictionary<string, string?>
        {
            ["Chain:RpcUrl"] = services.RpcUrl,
            ["Chain:Keystore"] = keys.Path,
            ["Chain:PasswordFile"] = keys.PasswordFile,
        });

        var e = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains(keys.Path, e.ToString(), StringComparison.Ordinal);
    }

    private sealed class TemporaryKeystore : IDisposable
    {
        private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("service-key-");

        public TemporaryKeystore()
        {
            File.WriteAllText(PasswordFile, "service password\n");
            KeyStoreFile.Create(Path, DevelopmentKeys.Key(20), "service password", KeyStoreCost.Light);
        }

        public string Path => System.IO.Path.Combine(_folder.FullName, "key.json");

        public string PasswordFile => System.IO.Path.Combine(_folder.FullName, "password");

        public void Dispose() => _folder.Delete(recursive: true);
    }
}
