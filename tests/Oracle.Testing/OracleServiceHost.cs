using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Nethereum.Signer;
using Npgsql;
using Oracle.Chain.Keys;

namespace Oracle.Testing;

/// <summary>
/// One of our services (<typeparamref name="TProgram"/>: its Program) running in the test process on the real chain
/// (the shared <see cref="DeployedNetwork"/>), a fresh PostgreSQL database of its own, RabbitMQ, and a fresh funded key in
/// a keystore — so each service's tests start with one line:
/// <code>await using var service = await OracleServiceHost&lt;Program&gt;.StartAsync();</code>
/// <see cref="Settings"/> are the configuration it got; <c>overrides</c> change or (with a null value) remove settings.
/// </summary>
/// <typeparam name="TProgram">The service's entry point.</typeparam>
public sealed class OracleServiceHost<TProgram> : IAsyncDisposable
    where TProgram : class
{
    private readonly DirectoryInfo _folder;
    private readonly string? _database;
    private readonly string _adminConnectionString;

    private OracleServiceHost(WebApplicationFactory<TProgram> factory, IReadOnlyDictionary<string, string?> settings, DirectoryInfo folder, EthECKey key, string? database, string adminConnectionString)
    {
        Factory = factory;
        Settings = settings;
        _folder = folder;
        Key = key;
        _database = database;
        _adminConnectionString = adminConnectionString;
    }

    /// <summary>The running host.</summary>
    public WebApplicationFactory<TProgram> Factory { get; }

    /// <summary>The configuration the service started with.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>The service's key (funded with ETH on the test chain).</summary>
    public EthECKey Key { get; }

    /// <summary>The service's services (its DI container).</summary>
    public IServiceProvider Services => Factory.Services;

    /// <summary>Starts the service with everything configured, plus <paramref name="overrides"/>.</summary>
    /// <param name="overrides">Settings to add or replace.</param>
    /// <param name="bus">Whether the service uses the bus (<c>Bus:Url</c>): a service refuses settings it does not read.</param>
    public static async Task<OracleServiceHost<TProgram>> StartAsync(IReadOnlyDictionary<string, string?>? overrides = null, bool bus = true)
    {
        var settings = await DefaultSettingsAsync(bus);
        var folder = new DirectoryInfo(Path.GetDirectoryName(settings["Chain:Keystore"]!)!);
        var key = KeyStoreFile.LoadWithPasswordFile(settings["Chain:Keystore"]!, settings["Chain:PasswordFile"]);
        var database = new NpgsqlConnectionStringBuilder(settings["Database:ConnectionString"]).Database;
        foreach (var (name, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[name] = value;
        }

        var factory = new WebApplicationFactory<TProgram>().WithWebHostBuilder(web =>
        {
            foreach (var (name, value) in settings)
            {
                web.UseSetting(name, value);
            }
        });
        var host = new OracleServiceHost<TProgram>(factory, settings, folder, key, database, await LocalServices.PostgresConnectionStringAsync());
        try
        {
            // Building the client starts the host (migrations, consumers, watchers).
            factory.CreateClient().Dispose();
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    /// <summary>
    /// The settings a service gets from <see cref="StartAsync"/>: <c>Chain:RpcUrl</c>, <c>Chain:Manifest</c>,
    /// <c>Chain:Keystore</c> (a new funded key), <c>Chain:PasswordFile</c>, <c>Database:ConnectionString</c> (a new
    /// database) and, for a service that uses the bus, <c>Bus:Url</c>. Tests that run the service as a process use the
    /// same settings.
    /// </summary>
    /// <param name="bus">Whether the service uses the bus: a service refuses settings it does not read.</param>
    public static async Task<Dictionary<string, string?>> DefaultSettingsAsync(bool bus = true)
    {
        var network = await DeployedNetwork.GetAsync();
        var services = await LocalServices.GetAsync();
        var folder = Directory.CreateTempSubdirectory("oracle-service-");
        var key = new EthECKey(RandomNumberGenerator.GetBytes(32), isPrivate: true);
        var chain = await ChainFixture.ForAsync(network.RpcUrl);
        await chain.SetBalanceAsync(key.GetPublicAddress(), Nethereum.Web3.Web3.Convert.ToWei(1000));
        var keystore = Path.Combine(folder.FullName, "key.json");
        KeyStoreFile.Create(keystore, key, "service password", KeyStoreCost.Light);
        var password = Path.Combine(folder.FullName, "password");
        await File.WriteAllTextAsync(password, "service password\n");

        var name = $"svc_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(services.PostgresConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        var settings = new Dictionary<string, string?>
        {
            ["Chain:RpcUrl"] = network.RpcUrl,
            ["Chain:Manifest"] = network.ManifestPath,
            ["Chain:Keystore"] = keystore,
            ["Chain:PasswordFile"] = password,
            ["Database:ConnectionString"] = new NpgsqlConnectionStringBuilder(services.PostgresConnectionString) { Database = name }.ConnectionString,
        };
        if (bus)
        {
            settings["Bus:Url"] = services.AmqpUrl;
        }

        return settings;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        if (_database is not null)
        {
            await using var admin = new NpgsqlConnection(_adminConnectionString);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }

        if (_folder.Exists)
        {
            _folder.Delete(recursive: true);
        }
    }
}
