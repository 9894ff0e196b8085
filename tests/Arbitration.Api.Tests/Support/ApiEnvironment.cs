using Npgsql;
using Oracle.Testing;

namespace Arbitration.Api.Tests.Support;

/// <summary>
/// What an API instance runs on: the test chain's network, a fresh database of its own and a fresh funded relayer key
/// (<see cref="OracleServiceHost{TProgram}.DefaultSettingsAsync"/>), plus test settings; dropped when disposed.
/// </summary>
internal sealed class ApiEnvironment : IAsyncDisposable
{
    private ApiEnvironment(Dictionary<string, string?> settings) => Settings = settings;

    public Dictionary<string, string?> Settings { get; }

    public string ConnectionString => Settings["Database:ConnectionString"]!;

    public static async Task<ApiEnvironment> CreateAsync(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = await OracleServiceHost<Program>.DefaultSettingsAsync(bus: false);
        // The test chain mines a block per transaction at once: follow it and its receipts closely.
        settings["Chain:Watcher:PollInterval"] = "00:00:00.100";
        settings["Chain:Transactions:PollInterval"] = "00:00:00.050";
        settings["Api:EventStreamPollInterval"] = "00:00:00.200";
        settings["Relayer:BalanceCheckInterval"] = "00:00:01";
        foreach (var (name, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[name] = value;
        }

        return new ApiEnvironment(settings);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        var database = new NpgsqlConnectionStringBuilder(ConnectionString).Database;
        await using (var admin = new NpgsqlConnection(await LocalServices.PostgresConnectionStringAsync()))
        {
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }

        var folder = Path.GetDirectoryName(Settings["Chain:Keystore"]!)!;
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
